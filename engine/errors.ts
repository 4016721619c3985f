/**
 * An error in what the user gave us (a file, a spec, a command line), as opposed to a bug.
 * Its message is one line that names the source and says what is wrong and where; the CLI
 * exits 2 with it and the UI shows it as is. Every other error is internal.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
