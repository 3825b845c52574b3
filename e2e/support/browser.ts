import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * The browser the console tests drive: HERALD_CHROMIUM names any Chromium-family executable (e.g. a Chrome
 * on a developer's Mac); otherwise Debian's chromium package, installed here when missing (apt-get as root,
 * which is what CI machines are).
 */
export function chromiumExecutable(): string {
  const chosen = process.env.HERALD_CHROMIUM;
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`HERALD_CHROMIUM=${chosen} does not exist`);
    return chosen;
  }
  if (existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  if (process.getuid?.() !== 0) throw new Error(`no browser at ${DEBIAN_CHROMIUM}: install Debian's chromium package (as root: apt-get install -y chromium), or set HERALD_CHROMIUM to a Chromium or Chrome executable`);
  const apt = (...args: string[]) => execFileSync('apt-get', args, { stdio: 'pipe', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 15 * 60_000 });
  try {
    apt('install', '-y', '--no-install-recommends', 'chromium');
  } catch {
    // A fresh machine has no package lists yet.
    apt('update');
    apt('install', '-y', '--no-install-recommends', 'chromium');
  }
  return DEBIAN_CHROMIUM;
}

/** Headless Chromium as the console tests run it (no sandbox: CI runs as root). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumExecutable(),
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
