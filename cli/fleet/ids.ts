/**
 * The fleet checks' ids, apart from the checks themselves (cli/fleet/checks.ts):
 * a config's `checks:` and a guest's `# xenlint-disable…` directives may name
 * them in any run, and `lint` must know them without loading the fleet code.
 */
export const FLEET_CHECK_IDS: ReadonlySet<string> = new Set(['fleet-duplicate-mac', 'fleet-duplicate-uuid', 'fleet-duplicate-name', 'fleet-config-drift']);
