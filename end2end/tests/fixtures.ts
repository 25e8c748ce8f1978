// Shared steps: open a page and wait for hydration, fail on any page error, sign in.
import { test as base, expect, type Page } from "@playwright/test";

export const ADMIN_EMAIL = "admin@localhost";
export const ADMIN_PASSWORD = "e2e-admin-password";

export const test = base.extend<{ pageErrors: Error[] }>({
  pageErrors: async ({ page }, use) => {
    const errors: Error[] = [];
    page.on("pageerror", (error) => errors.push(error));
    await use(errors);
    expect(errors, "the page threw").toEqual([]);
  },
});

export { expect };

/** Navigates to `path` and waits until the WASM bundle has hydrated the page. */
export async function openHydrated(page: Page, path: string) {
  await page.goto(path);
  await page.locator("body[data-hydrated]").waitFor();
}

/** Signs in through the form and waits for the console frame. */
export async function signIn(page: Page, email = ADMIN_EMAIL, password = ADMIN_PASSWORD) {
  await openHydrated(page, "/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Signed in as")).toBeVisible();
  await page.locator("body[data-hydrated]").waitFor();
}
