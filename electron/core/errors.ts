/** An error whose message is meant for the user as it stands (the CLI prints it as its one-line reason). */
export class CotscopeError extends Error {
  constructor(
    message: string,
    readonly code: string = 'invalid',
  ) {
    super(message);
    this.name = 'CotscopeError';
  }
}
