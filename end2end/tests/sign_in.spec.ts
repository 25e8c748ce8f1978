// Signing in, a wrong password, and signing out, in a real browser.
import { test, expect, openHydrated, signIn, ADMIN_EMAIL } from "./fixtures";

test("visiting the console without a session leads to the sign-in page", async ({ page, pageErrors }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("heading", { name: "Sign in to Control Layer" })).toBeVisible();
  await page.screenshot({ path: "../docs/screenshots/sign-in.png" });
});

test("signing in shows the console with the user and the API base URL", async ({ page, pageErrors }) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText(ADMIN_EMAIL)).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  const baseUrl = page.getByTestId("api-base-url");
  await expect(baseUrl).toHaveText(/^http:\/\/127\.0\.0\.1:\d+\/ai\/v1$/);
  await page.screenshot({ path: "../docs/screenshots/overview.png" });
});

test("a wrong password shows an inline error and keeps what was typed", async ({ page, pageErrors }) => {
  await openHydrated(page, "/sign-in");
  await page.getByLabel("Email").fill(ADMIN_EMAIL);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByLabel("Email")).toHaveValue(ADMIN_EMAIL);
  await expect(page.getByLabel("Password")).toHaveValue("not the password");
});

test("empty fields are named inline", async ({ page, pageErrors }) => {
  await openHydrated(page, "/sign-in");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Enter your email address.")).toBeVisible();
  await expect(page.getByText("Enter your password.")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
});

test("the form can be used with the keyboard alone", async ({ page, pageErrors }) => {
  await openHydrated(page, "/sign-in");
  await page.getByLabel("Email").focus();
  await page.keyboard.type(ADMIN_EMAIL);
  await page.keyboard.press("Tab");
  await page.keyboard.type("e2e-admin-password");
  await page.keyboard.press("Enter");
  await expect(page.getByText("Signed in as")).toBeVisible();
});

test("signing out ends the session", async ({ page, pageErrors }) => {
  await signIn(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);

  // The console is closed again, even by typing its address.
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
});
