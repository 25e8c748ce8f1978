"""The gateway through the official Python `openai` package.

Run by tests/openai_clients.rs, which starts a gateway and passes its URL and keys in the
environment: GATEWAY_BASE_URL, GATEWAY_API_KEY, GATEWAY_LIMITED_KEY.
"""

import os
import time
import unittest

import openai

BASE_URL = os.environ["GATEWAY_BASE_URL"]
API_KEY = os.environ["GATEWAY_API_KEY"]
LIMITED_KEY = os.environ["GATEWAY_LIMITED_KEY"]
HELLO = [{"role": "user", "content": "say hello"}]


def client(key=API_KEY):
    # No retries: each error must reach the test exactly as the gateway sent it.
    return openai.OpenAI(base_url=BASE_URL, api_key=key, max_retries=0)


class OpenAIClient(unittest.TestCase):
    def test_chat_completion(self):
        reply = client().chat.completions.create(model="demo-chat", messages=HELLO)
        self.assertTrue(reply.choices[0].message.content.startswith("Hello from the mock"))
        self.assertEqual(reply.model, "mock-chat")
        self.assertGreater(reply.usage.prompt_tokens, 0)

    def test_streamed_chat_completion_arrives_incrementally(self):
        started = time.monotonic()
        arrivals, text = [], ""
        stream = client().chat.completions.create(model="demo-chat", messages=HELLO, stream=True)
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                arrivals.append(time.monotonic() - started)
                text += chunk.choices[0].delta.content
        self.assertEqual(len(arrivals), 12)
        self.assertTrue(text.startswith("Hello from the mock provider"))
        # The mock waits 40 ms between chunks: they must not arrive all at once.
        self.assertGreater(arrivals[-1] - arrivals[0], 0.3)

    def test_embeddings(self):
        result = client().embeddings.create(model="demo-embedding", input=["one", "two"])
        self.assertEqual(len(result.data), 2)
        self.assertEqual(len(result.data[0].embedding), 8)

    def test_models_list_names_and_aliases(self):
        ids = {model.id for model in client().models.list()}
        self.assertEqual(ids, {"demo-chat", "demo", "demo-embedding", "overloaded", "broken-link", "slow"})

    def test_call_by_alias(self):
        reply = client().chat.completions.create(model="demo", messages=HELLO)
        self.assertEqual(reply.model, "mock-chat")

    def test_typed_errors(self):
        with self.assertRaises(openai.AuthenticationError):
            client("sk-cl-" + "x" * 40).models.list()
        with self.assertRaises(openai.PermissionDeniedError):
            client().chat.completions.create(model="hidden", messages=HELLO)
        with self.assertRaises(openai.NotFoundError):
            client().chat.completions.create(model="no-such-model", messages=HELLO)

        limited = client(LIMITED_KEY)
        limited.models.list()
        with self.assertRaises(openai.RateLimitError):
            limited.models.list()

        for model, status in [("broken-link", 502), ("overloaded", 503), ("slow", 504)]:
            with self.assertRaises(openai.InternalServerError) as caught:
                client().chat.completions.create(model=model, messages=HELLO)
            self.assertEqual(caught.exception.status_code, status, model)


if __name__ == "__main__":
    unittest.main(verbosity=2)
