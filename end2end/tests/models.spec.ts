// The Models page lists what the user may call, with names, aliases and ready-to-paste code,
// and a key created in the console calls a model by its alias.
import { test, expect, openHydrated, signIn } from "./fixtures";

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

test("models show their names, aliases and code, and an alias works", async ({ page, request, pageErrors }) => {
  await signIn(page);
  await page.getByRole("link", { name: "Models", exact: true }).click();
  const chat = page.getByRole("region", { name: "Model demo-chat" });
  await expect(chat).toBeVisible();
  await expect(chat.getByText("Aliases:")).toBeVisible();
  await expect(chat.locator(".aliases code")).toHaveText("demo");
  await expect(page.getByRole("region", { name: "Model demo-embedding" })).toBeVisible();

  await chat.getByRole("button", { name: "Copy model name demo-chat" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe("demo-chat");

  await chat.getByText("Code to call it").click();
  const python = chat.locator("pre").first();
  await expect(python).toContainText(/base_url="http:\/\/127\.0\.0\.1:\d+\/ai\/v1"/);
  await expect(python).toContainText('model="demo-chat"');
  await page.screenshot({ path: "../docs/screenshots/models.png" });

  // A key from the console calls the model by its alias, streamed.
  await openHydrated(page, "/api-keys");
  await page.getByRole("button", { name: "Create API Key" }).click();
  await page.getByRole("dialog").getByLabel("Name").fill("models page");
  await page.getByRole("dialog").getByRole("button", { name: "Create", exact: true }).click();
  const key = await page.getByLabel("New API key").inputValue();
  const reply = await request.post("/ai/v1/chat/completions", {
    headers: { Authorization: `Bearer ${key}` },
    data: { model: "demo", messages: [{ role: "user", content: "hi" }], stream: true },
  });
  expect(reply.status()).toBe(200);
  const text = await reply.text();
  expect(text).toContain("Hello");
  expect(text.trim().endsWith("data: [DONE]")).toBe(true);
});
