// The Chromium the browser test drives: Debian's, never a downloaded one. Missing, the test is skipped and the
// run says so at its end, unless CI=true or REQUIRE_BROWSER=1, where a missing browser fails the test.
import { existsSync } from 'node:fs';

/** Where Debian's `apt-get install chromium` puts it; CHROMIUM_PATH points elsewhere. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_INSTALL_COMMAND = 'apt-get install -y chromium';

export interface ChromiumForTests {
  path: string;
  available: boolean;
  /** A missing browser is a failure, not a skip. */
  required: boolean;
}

export function chromiumForTests(environment: NodeJS.ProcessEnv = process.env): ChromiumForTests {
  const chromiumPath = environment.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;
  return {
    path: chromiumPath,
    available: existsSync(chromiumPath),
    required: environment.CI === 'true' || environment.REQUIRE_BROWSER === '1',
  };
}
