// The gateway through the official Node.js `openai` package, run by node's test runner from
// tests/openai_clients.rs with GATEWAY_BASE_URL, GATEWAY_API_KEY and GATEWAY_LIMITED_KEY set.
import { test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";

const baseURL = process.env.GATEWAY_BASE_URL;
const hello = [{ role: "user", content: "say hello" }];
// No retries: each error must reach the test exactly as the gateway sent it.
const client = (apiKey = process.env.GATEWAY_API_KEY) => new OpenAI({ baseURL, apiKey, maxRetries: 0 });

test("chat completion", async () => {
  const reply = await client().chat.completions.create({ model: "demo-chat", messages: hello });
  assert.match(reply.choices[0].message.content, /^Hello from the mock/);
  assert.equal(reply.model, "mock-chat");
});

test("streamed chat completion arrives incrementally", async () => {
  const started = performance.now();
  const arrivals = [];
  let text = "";
  const stream = await client().chat.completions.create({ model: "demo-chat", messages: hello, stream: true });
  for await (const chunk of stream) {
    const content = chunk.choices[0]?.delta?.content;
    if (content) {
      arrivals.push(performance.now() - started);
      text += content;
    }
  }
  assert.equal(arrivals.length, 12);
  assert.match(text, /^Hello from the mock provider/);
  assert.ok(arrivals.at(-1) - arrivals[0] > 300, `chunks came at ${arrivals}`);
});

test("embeddings", async () => {
  const result = await client().embeddings.create({ model: "demo-embedding", input: "one" });
  assert.equal(result.data[0].embedding.length, 8);
});

test("models list names and aliases", async () => {
  const ids = [];
  for await (const model of client().models.list()) ids.push(model.id);
  assert.deepEqual(new Set(ids), new Set(["demo-chat", "demo", "demo-embedding", "overloaded", "broken-link", "slow"]));
});

test("call by alias", async () => {
  const reply = await client().chat.completions.create({ model: "demo", messages: hello });
  assert.equal(reply.model, "mock-chat");
});

test("typed errors", async () => {
  await assert.rejects(client("sk-cl-" + "x".repeat(40)).models.list(), OpenAI.AuthenticationError);
  await assert.rejects(
    client().chat.completions.create({ model: "hidden", messages: hello }),
    OpenAI.PermissionDeniedError,
  );
  await assert.rejects(
    client().chat.completions.create({ model: "no-such-model", messages: hello }),
    OpenAI.NotFoundError,
  );

  const limited = client(process.env.GATEWAY_LIMITED_KEY);
  await limited.models.list();
  await assert.rejects(limited.models.list(), OpenAI.RateLimitError);

  for (const [model, status] of [["broken-link", 502], ["overloaded", 503], ["slow", 504]]) {
    await assert.rejects(
      client().chat.completions.create({ model, messages: hello }),
      (err) => err instanceof OpenAI.InternalServerError && err.status === status,
    );
  }
});
