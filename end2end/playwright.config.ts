// Browser tests of the console, in Debian's Chromium (never a downloaded browser).
//
// Playwright starts the debug build of the gateway in demo mode on a fresh data directory with
// a known admin password; build it first (`make test` does: `cargo leptos build`).
import { defineConfig } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const PORT = Number(process.env.E2E_PORT ?? 3400);
export const MOCK_PORT = PORT + 1;
export const ADMIN_EMAIL = "admin@localhost";
export const ADMIN_PASSWORD = "e2e-admin-password";

const dataDir = mkdtempSync(join(tmpdir(), "control-layer-e2e-"));
const chromium = process.env.CHROMIUM_PATH ?? "/usr/lib/chromium/chromium";

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "off",
    launchOptions: {
      executablePath: chromium,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: [
    {
    command: `target/debug/control-layer --listen 127.0.0.1:${PORT}`,
    cwd: "..",
    url: `http://127.0.0.1:${PORT}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      CONTROL_LAYER_DATA_DIR: dataDir,
      CONTROL_LAYER_ADMIN_EMAIL: ADMIN_EMAIL,
      CONTROL_LAYER_ADMIN_PASSWORD: ADMIN_PASSWORD,
      LEPTOS_SITE_ROOT: "target/site",
      RUST_LOG: "warn",
      CONTROL_LAYER_DEMO: "true",
      CONTROL_LAYER_USAGE_FLUSH_INTERVAL_MS: "200",
      CONTROL_LAYER_METRICS_LISTEN: `127.0.0.1:${PORT + 2}`,
    },
    },
    {
      // A provider for the admin journey to add, as an operator would add a real one.
      command: `target/debug/control-layer mock-provider --listen 127.0.0.1:${MOCK_PORT}`,
      cwd: "..",
      url: `http://127.0.0.1:${MOCK_PORT}/v1/models`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
