/**
 * One winston logger for the supervisor and every processor child. JSON lines by
 * default (one event per line, machine-readable); `pretty` for people. Children
 * write to stdout, which BullMQ pipes into the supervisor's stdout, so each line
 * carries `pid` and `role` to say where it came from.
 */
import winston from 'winston';

/** The narrow logging interface every module depends on. */
export interface Logger {
  error(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
  child(scope: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level: string;
  format: 'json' | 'pretty';
  role: 'supervisor' | 'processor' | 'cli';
}

export function createLogger(options: LoggerOptions): Logger {
  const format =
    options.format === 'pretty'
      ? winston.format.combine(
          winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
          winston.format.colorize(),
          winston.format.printf(({ timestamp, level, message, ...meta }) => {
            const rest = Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta)}` : '';
            return `${String(timestamp)} ${level} ${String(message)}${rest}`;
          }),
        )
      : winston.format.combine(winston.format.timestamp(), winston.format.json());
  return winston.createLogger({
    level: options.level,
    format,
    defaultMeta: { role: options.role, pid: process.pid },
    transports: [new winston.transports.Console()],
  });
}

/** A logger that drops everything; the default for unit tests. */
export const silentLogger: Logger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  child: () => silentLogger,
};
