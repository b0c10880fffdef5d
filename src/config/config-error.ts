// A configuration error names the field and the value it rejected, and why.
export class ConfigError extends Error {
  constructor(readonly field: string, readonly value: unknown, readonly reason: string) {
    super(`${field}=${JSON.stringify(value)}: ${reason}`);
    this.name = 'ConfigError';
  }
}
