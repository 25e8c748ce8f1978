// The admin journey in a real browser: add a provider (the mock), a model with an alias, a
// user and a group; grant the model to the group. The user then sees the model and its alias
// and calls it by alias with their own key; once the grant is revoked, the call gets 403.
import { test, expect, openHydrated, signIn } from "./fixtures";

const MOCK = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3400) + 1}/v1`;

test("an admin grants a model to a group, and its member can use it until revoked", async ({ page, browser, request, pageErrors }) => {
  await signIn(page);

  // Provider.
  await page.getByRole("link", { name: "Providers" }).click();
  await page.getByLabel("Name").fill("e2e-mock");
  await page.getByLabel("Base URL").fill(MOCK);
  await page.getByLabel("API key (write-only)").fill("not-needed");
  await page.getByRole("button", { name: "Save provider" }).click();
  const provider = page.getByRole("region", { name: "Provider e2e-mock" });
  await expect(provider).toContainText("key set");
  await provider.getByRole("button", { name: "Test connection" }).click();
  await expect(provider.getByRole("status")).toContainText("mock-chat");

  // Model with an alias, picked from the provider's list.
  await openHydrated(page, "/admin/models");
  await page.getByLabel("Name", { exact: true }).fill("e2e-model");
  await page.getByLabel("Provider").selectOption({ label: "e2e-mock" });
  await page.getByRole("button", { name: "Load the provider's models" }).click();
  await page.getByLabel(/Upstream name/).fill("mock-chat");
  await page.getByLabel("Aliases (comma-separated)").fill("e2e-alias");
  await page.getByRole("button", { name: "Save model" }).click();
  await expect(page.getByRole("row", { name: /e2e-model/ })).toContainText("e2e-alias");

  // A taken name is an inline error.
  await page.getByLabel("Name", { exact: true }).fill("e2e-alias");
  await page.getByLabel("Provider").selectOption({ label: "e2e-mock" });
  await page.getByRole("button", { name: "Save model" }).click();
  await expect(page.getByText("'e2e-alias' is already a model's name or alias.")).toBeVisible();

  // User.
  await openHydrated(page, "/admin/users");
  await page.getByLabel("Email").fill("member@example.com");
  await page.getByLabel("Password").fill("member-password");
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("row", { name: /member@example.com/ })).toBeVisible();

  // Group with the user, granting the model.
  await openHydrated(page, "/admin/groups");
  await page.getByLabel("Group name").fill("e2e-team");
  await page.getByRole("button", { name: "Add group" }).click();
  const group = page.getByRole("region", { name: "Group e2e-team" });
  await group.getByLabel("member@example.com is a member of e2e-team").check();
  await expect(group.getByLabel("member@example.com is a member of e2e-team")).toBeChecked();
  await group.getByLabel("e2e-team may use e2e-model").check();
  await expect(group.getByLabel("e2e-team may use e2e-model")).toBeChecked();
  await page.screenshot({ path: "../docs/screenshots/admin-groups.png" });

  // The member signs in, sees the model and its alias, and calls it by alias.
  const context = await browser.newContext();
  const member = await context.newPage();
  await signIn(member, "member@example.com", "member-password");
  await member.getByRole("link", { name: "Models", exact: true }).click();
  const card = member.getByRole("region", { name: "Model e2e-model" });
  await expect(card).toBeVisible();
  await expect(card.locator(".aliases code")).toHaveText("e2e-alias");
  await openHydrated(member, "/api-keys");
  await member.getByRole("button", { name: "Create API Key" }).click();
  await member.getByRole("dialog").getByLabel("Name").fill("member key");
  await member.getByRole("dialog").getByRole("button", { name: "Create", exact: true }).click();
  const key = await member.getByLabel("New API key").inputValue();
  const call = () =>
    request.post("/ai/v1/chat/completions", {
      headers: { Authorization: `Bearer ${key}` },
      data: { model: "e2e-alias", messages: [{ role: "user", content: "hi" }] },
    });
  const ok = await call();
  expect(ok.status()).toBe(200);
  expect((await ok.json()).model).toBe("mock-chat");

  // The admin revokes the grant; the same call is refused at once.
  await group.getByLabel("e2e-team may use e2e-model").uncheck();
  await expect(group.getByLabel("e2e-team may use e2e-model")).not.toBeChecked();
  const refused = await call();
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.code).toBe("model_not_allowed");
  await context.close();
});

test("non-admins see no admin pages and are refused by the server", async ({ page, browser, pageErrors }) => {
  await signIn(page);
  await openHydrated(page, "/admin/users");
  await page.getByLabel("Email").fill("plain@example.com");
  await page.getByLabel("Password").fill("plain-password");
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("row", { name: /plain@example.com/ })).toBeVisible();

  const context = await browser.newContext();
  const plain = await context.newPage();
  await signIn(plain, "plain@example.com", "plain-password");
  await expect(plain.getByRole("link", { name: "Providers" })).toHaveCount(0);
  await openHydrated(plain, "/admin/providers");
  await expect(plain.getByRole("alert").first()).toContainText("You do not have permission to do that.");
  await context.close();
});

test("groups are renamed and deleted; Everyone cannot be", async ({ page, pageErrors }) => {
  await signIn(page);
  await openHydrated(page, "/admin/groups");
  await expect(page.getByRole("region", { name: "Group Everyone" }).getByRole("button", { name: /Delete/ })).toHaveCount(0);

  await page.getByLabel("Group name").fill("to-rename");
  await page.getByRole("button", { name: "Add group" }).click();
  const group = page.getByRole("region", { name: "Group to-rename" });
  await group.getByLabel("New name for to-rename").fill("renamed");
  await group.getByRole("button", { name: "Rename", exact: true }).click();
  const renamed = page.getByRole("region", { name: "Group renamed" });
  await expect(renamed).toBeVisible();

  await renamed.getByRole("button", { name: "Delete group renamed" }).click();
  await expect(renamed).toHaveCount(0);
});
