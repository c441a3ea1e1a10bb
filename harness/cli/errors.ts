// Errors that end a command with a one-line message and exit code 2 (usage or input), never a stack.
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export const EXIT = { pass: 0, fail: 1, usage: 2, interrupted: 130 } as const;
