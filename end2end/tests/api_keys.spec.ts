// The API key journey in a real browser: create a key with a description and a rate limit,
// copy it from the one-time display, call the API with it, watch "Last used" change, delete it,
// and see the API refuse it.
import { test, expect, openHydrated, signIn } from "./fixtures";

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

test("create, copy, use, see last used, delete, and get 401", async ({ page, request, pageErrors }) => {
  await signIn(page);
  await page.getByRole("link", { name: "API Keys" }).click();
  await expect(page.getByRole("heading", { name: "API Keys" })).toBeVisible();

  // Create.
  await page.getByRole("button", { name: "Create API Key" }).click();
  const dialog = page.getByRole("dialog", { name: "Create API Key" });
  await expect(dialog.getByLabel("Name")).toBeFocused();
  await dialog.getByLabel("Name").fill("e2e key");
  await dialog.getByLabel("Description (optional)").fill("made by Playwright");
  await dialog.getByLabel("Requests per second").fill("50");
  await dialog.getByLabel("Burst size").fill("100");
  await dialog.getByRole("button", { name: "Create", exact: true }).click();

  // The one-time display, and the copy button.
  const created = page.getByRole("dialog", { name: /API key .e2e key. created/ });
  await expect(created.getByText("It will not be shown again")).toBeVisible();
  const shown = await created.getByLabel("New API key").inputValue();
  expect(shown).toMatch(/^sk-cl-[A-Za-z0-9]{40}$/);
  await page.screenshot({ path: "../docs/screenshots/api-key-created.png" });
  await created.getByRole("button", { name: "Copy API key" }).click();
  await expect(created.getByRole("button", { name: "Copy API key" })).toHaveText("Copied");
  const key = await page.evaluate(() => navigator.clipboard.readText());
  expect(key).toBe(shown);
  await created.getByRole("button", { name: "Done" }).click();

  // Listed, with its description, limit, and never used.
  const row = page.getByRole("row", { name: /e2e key/ });
  await expect(row).toContainText("made by Playwright");
  await expect(row).toContainText("50/s, burst 100");
  await expect(row.locator("td.last-used")).toHaveText("never");
  await expect(row).toContainText(key.slice(0, 12));

  // Use it.
  const models = await request.get("/ai/v1/models", { headers: { Authorization: `Bearer ${key}` } });
  expect(models.status()).toBe(200);
  expect((await models.json()).object).toBe("list");

  await openHydrated(page, "/api-keys");
  await expect(page.getByRole("row", { name: /e2e key/ }).locator("td.last-used")).toHaveText("just now");
  await page.screenshot({ path: "../docs/screenshots/api-keys.png" });

  // Delete it from its row, confirming.
  await page.getByRole("button", { name: "Delete API key e2e key" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete API key?" });
  await expect(confirm).toContainText("e2e key");
  await confirm.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page.getByText("You have no API keys yet.")).toBeVisible();

  const refused = await request.get("/ai/v1/models", { headers: { Authorization: `Bearer ${key}` } });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe("invalid_api_key");
});

test("validation errors show inline and keep what was typed", async ({ page, pageErrors }) => {
  await signIn(page);
  await openHydrated(page, "/api-keys");
  await page.getByRole("button", { name: "Create API Key" }).click();
  const dialog = page.getByRole("dialog", { name: "Create API Key" });
  await dialog.getByLabel("Description (optional)").fill("kept");
  await dialog.getByLabel("Requests per second").fill("20000");
  await dialog.getByRole("button", { name: "Create", exact: true }).click();

  await expect(dialog.getByText("Give the key a name.")).toBeVisible();
  await expect(dialog.getByText("Requests per second must be a whole number from 1 to 10,000.")).toBeVisible();
  await expect(dialog.getByLabel("Description (optional)")).toHaveValue("kept");
  await expect(dialog.getByLabel("Requests per second")).toHaveValue("20000");

  // Escape closes the dialog; nothing was created.
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page.getByText("You have no API keys yet.")).toBeVisible();
});

test("several keys are deleted at once after confirming", async ({ page, pageErrors }) => {
  await signIn(page);
  await openHydrated(page, "/api-keys");
  for (const name of ["bulk one", "bulk two", "bulk three"]) {
    await page.getByRole("button", { name: "Create API Key" }).click();
    const dialog = page.getByRole("dialog", { name: "Create API Key" });
    await dialog.getByLabel("Name").fill(name);
    await dialog.getByRole("button", { name: "Create", exact: true }).click();
    await page.getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("row", { name: new RegExp(name) })).toBeVisible();
  }

  await page.getByLabel("Select API key bulk one").check();
  await page.getByLabel("Select API key bulk three").check();
  await page.getByRole("button", { name: "Delete (2)" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete 2 API keys?" });
  await confirm.getByRole("button", { name: "Delete", exact: true }).click();

  await expect(page.getByRole("row", { name: /bulk two/ })).toBeVisible();
  await expect(page.getByRole("row", { name: /bulk one/ })).toHaveCount(0);
  await expect(page.getByRole("row", { name: /bulk three/ })).toHaveCount(0);

  // Clean up, through "select all".
  await page.getByLabel("Select all API keys").check();
  await page.getByRole("button", { name: "Delete (1)" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page.getByText("You have no API keys yet.")).toBeVisible();
});
