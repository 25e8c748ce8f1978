// The Usage page shows calls just made: a new key's requests appear in the chart legend, the
// per-key table and the totals, and the charts are drawn on the server (in the first HTML).
import { test, expect, openHydrated, signIn } from "./fixtures";

const KEY_NAME = "usage chart";

test("calls just made show up in the usage chart", async ({ page, request, pageErrors }) => {
  await signIn(page);
  await openHydrated(page, "/api-keys");
  await page.getByRole("button", { name: "Create API Key" }).click();
  await page.getByRole("dialog").getByLabel("Name").fill(KEY_NAME);
  await page.getByRole("dialog").getByRole("button", { name: "Create", exact: true }).click();
  const key = await page.getByLabel("New API key").inputValue();

  for (const stream of [false, false, true]) {
    const reply = await request.post("/ai/v1/chat/completions", {
      headers: { Authorization: `Bearer ${key}` },
      data: { model: "demo-chat", messages: [{ role: "user", content: "three words here" }], stream },
    });
    expect(reply.status()).toBe(200);
    await reply.body();
  }

  // Records are written in the background within a fraction of a second.
  await expect
    .poll(async () => {
      const usage = await page.request.post("/api/usage", { data: { range: "24h", by: "key" } });
      const report = await usage.json();
      return report.keys.find((k: { name: string }) => k.name === KEY_NAME)?.requests ?? 0;
    })
    .toBe(3);

  // The server renders the charts into the page's HTML.
  const html = await (await page.request.get("/usage")).text();
  expect(html).toContain("Requests per hour");
  expect(html).toMatch(/<svg[^>]*>/);

  await openHydrated(page, "/usage");
  await page.getByLabel("Group by").selectOption("key");
  const requestsChart = page.getByRole("figure", { name: "Requests per hour" });
  await expect(requestsChart.getByRole("listitem").filter({ hasText: KEY_NAME })).toBeVisible();
  await expect(requestsChart.locator("svg polyline, svg path").first()).toBeAttached();

  const row = page.getByRole("row").filter({ hasText: KEY_NAME });
  await expect(row.getByRole("cell").nth(2)).toHaveText("3");
  // Three words of prompt per call, as the demo provider counts them.
  await expect(row.getByRole("cell").nth(4)).toHaveText("9");
  await expect(page.getByTestId("total-requests")).not.toHaveText("0");

  await page.getByLabel("Time range").selectOption("30d");
  await expect(page.getByRole("figure", { name: "Requests per day" })).toBeVisible();
  await page.screenshot({ path: "../docs/screenshots/usage.png", fullPage: true });
});
