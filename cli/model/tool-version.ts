/** Kept in step with package.json by test/tool-version.test.ts. */
export const TOOL_VERSION = '0.2.0';
