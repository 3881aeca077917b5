/**
 * Run by the supervisor's preflight in a throwaway process: imports a processor
 * file the way BullMQ's child does and checks it exports a function.
 * Usage: node check-processor.js <file-url>
 */
const target = process.argv[2];

async function main(): Promise<void> {
  if (!target) throw new Error('usage: check-processor <file-url>');
  const loaded = (await import(target)) as { default?: unknown };
  let processor = loaded.default;
  if (typeof processor === 'object' && processor !== null && 'default' in processor) {
    processor = (processor).default;
  }
  if (typeof processor !== 'function') {
    throw new Error('its default export is not a function');
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`PROCESSOR_LOAD_ERROR ${message.split('\n')[0] ?? message}\n`);
    process.exit(1);
  },
);
