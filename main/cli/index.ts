// `npm run cli -- <command> [options]`. Each command is one file in ./commands exporting `command`.
// Exit codes: 0 success, 2 bad input or usage (one line on stderr), 1 internal error.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from '../../engine/errors.ts';

export interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<void>;
}

const commandsDir = fileURLToPath(new URL('./commands/', import.meta.url));
const names = readdirSync(commandsDir).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();

async function load(name: string): Promise<Command> {
  return (await import(`./commands/${name}.ts`)).command as Command;
}

async function help(): Promise<string> {
  const lines = ['usage: npm run cli -- <command> [options]', '', 'commands:'];
  for (const name of names) lines.push(`  ${name.padEnd(9)} ${(await load(name)).summary}`);
  return lines.join('\n');
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help') {
    console.log(await help());
    return;
  }
  if (!names.includes(name)) throw new InputError(`unknown command "${name}"; commands: ${names.join(', ')}`);
  const command = await load(name);
  if (rest.includes('--help')) {
    console.log(command.usage);
    return;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    // parseArgs's messages can span lines; an InputError is one line. An unknown option (a typo,
    // say) gets the list of the known ones, not parseArgs's advice on positionals that start with '-'.
    const message = (e as Error).message.replace(/\s*\n\s*/g, ' ');
    const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1];
    const known = Object.keys(command.options).map((option) => `--${option}`).join(', ');
    throw new InputError(`${name}: ${unknown ? `unknown option ${unknown}; the options are ${known}` : message} (npm run cli -- ${name} --help)`);
  }
  // parseArgs keeps the last of a repeated option: two --out, say, would drop one in silence.
  const given = parsed.tokens.flatMap((token) => (token.kind === 'option' ? [token.rawName] : []));
  const twice = given.find((option, i) => given.indexOf(option) !== i);
  if (twice) throw new InputError(`${name}: ${twice} is given twice; give it once (npm run cli -- ${name} --help)`);
  await command.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e: unknown) => {
    if (e instanceof InputError) {
      console.error(`error: ${e.message}`);
      process.exit(2);
    }
    console.error('internal error:', e);
    process.exit(1);
  },
);
