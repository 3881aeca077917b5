/**
 * The two prompts of the content pipeline, as pure builders so they can be read,
 * tested and tuned in one place. Persona and context are user data: they go in
 * the user message, fenced, never in the system message.
 */
import type { ChatMessage } from './client.js';

/** A persona as the payload gives it: free text or a structured record. */
export type Persona = string | Readonly<Record<string, unknown>>;

/** Longest persona rendering put into a prompt; longer ones are cut. */
const MAX_PERSONA_CHARS = 4000;

const CAPTION_SYSTEM = [
  'You write social media captions for a virtual influencer.',
  'Answer with exactly one caption: concise (at most 220 characters), vivid, in the voice of the persona,',
  'with at most two fitting emojis and at most three hashtags at the end.',
  'No quotes around it, no explanations, no alternatives.',
].join(' ');

const SCRIPT_SYSTEM = [
  'You write shot-by-shot scripts for short vertical (9:16) videos.',
  'Answer with the script only: one line per shot, each starting with a timestamp range',
  'in seconds like "[0-3s]", followed by what is on screen and any spoken line or on-screen text.',
  'Timestamps start at 0, do not overlap, and end exactly at the requested duration.',
].join(' ');

/** Messages asking for one caption for `persona` about `context`. */
export function buildCaptionPrompt(persona: Persona | undefined, context: string): ChatMessage[] {
  return [
    { role: 'system', content: CAPTION_SYSTEM },
    {
      role: 'user',
      content: [
        `Persona:\n${renderPersona(persona)}`,
        `Context of the post:\n${context}`,
        'Write the caption.',
      ].join('\n\n'),
    },
  ];
}

/** Messages asking for a timestamped script of `durationSec` seconds based on `caption`. */
export function buildScriptPrompt(
  caption: string,
  durationSec: number,
  persona?: Persona,
  context?: string,
): ChatMessage[] {
  const seconds = formatSeconds(durationSec);
  const parts = [
    `Caption of the post:\n${caption}`,
    ...(persona !== undefined ? [`Persona:\n${renderPersona(persona)}`] : []),
    ...(context !== undefined ? [`Context:\n${context}`] : []),
    `Write the script for a ${seconds}-second vertical video that brings this caption to life, ` +
      `in 3 to 6 shots, ending at ${seconds}s.`,
  ];
  return [
    { role: 'system', content: SCRIPT_SYSTEM },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

/** Free text as is; a record as `key: value` lines (nested values as JSON). */
export function renderPersona(persona: Persona | undefined): string {
  if (persona === undefined) return 'a friendly, upbeat lifestyle creator';
  const text =
    typeof persona === 'string'
      ? persona.trim()
      : Object.entries(persona)
          .filter(([, value]) => value !== undefined && value !== null && value !== '')
          .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
          .join('\n');
  if (text === '') return 'a friendly, upbeat lifestyle creator';
  return text.length > MAX_PERSONA_CHARS ? `${text.slice(0, MAX_PERSONA_CHARS)}…` : text;
}

function formatSeconds(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
