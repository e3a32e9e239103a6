import { test, type Page } from '@playwright/test';

/** Opens a page from the main navigation, by its link's exact name, as a user clicks it. */
export const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();

/**
 * How long a step of a long spec took, as a test annotation in the report and a line on stdout
 * (`  <spec> · <label>: 12.3 s`).
 */
export function timings(spec: string): (label: string, since: number) => void {
  return (label, since) => {
    const line = `${label}: ${((Date.now() - since) / 1000).toFixed(1)} s`;
    test.info().annotations.push({ type: 'timing', description: line });
    process.stdout.write(`  ${spec} · ${line}\n`);
  };
}
