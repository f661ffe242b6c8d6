/**
 * The shapes of the compiled schema validators, apart from cli/settings/validators.ts so
 * that cli/model/embedded.ts (which validators.ts reads) can name them without an
 * import cycle.
 */
export interface SchemaError {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

export type Validator = ((data: unknown) => boolean) & {
  errors?: SchemaError[] | null;
  /** A check's options validator from the build: JSON.stringify of the schema it was compiled from. */
  schemaText?: string;
};

export type SchemaName = 'config' | 'facts' | 'check' | 'report';
