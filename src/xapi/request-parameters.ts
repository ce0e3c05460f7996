import type { Request } from 'express';
import { BadRequestError, XapiStatementInvalidError } from '../errors.js';
import type { Actor, Agent } from './statement.js';
import { identifierOf, validateActor, validateAgent } from './validate/actor.js';
import { expectIri } from './validate/iri.js';
import { parseTimestamp } from './validate/timestamp.js';
import { expectUuid } from './validate/uuid.js';

/**
 * The query parameters, each given once. xAPI Communication 3.2: the LRS MUST reject with 400
 * parameters it does not recognise, including known names in the wrong case.
 */
export function readParameters(req: Request, allowed: readonly string[]): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.query as Record<string, unknown>)) {
    if (!allowed.includes(name)) {
      throw new BadRequestError(
        `${name} is not a parameter of ${req.method} ${req.baseUrl}${req.path}`,
      );
    }
    if (typeof value !== 'string') throw new BadRequestError(`${name} must be given once`);
    parameters[name] = value;
  }
  return parameters;
}

/** Parameter values are validated like the same values in statements, but are not statements. */
export function asParameter<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof XapiStatementInvalidError) {
      throw new BadRequestError(`The parameter ${error.message}`, { cause: error });
    }
    throw error;
  }
}

export function requireParameter(parameters: Record<string, string>, name: string): string {
  const value = parameters[name];
  if (value === undefined) throw new BadRequestError(`The parameter ${name} is required`);
  return value;
}

export function parseIriParameter(text: string, name: string): string {
  return asParameter(() => expectIri(text, name));
}

export function parseUuidParameter(text: string, name: string): string {
  return asParameter(() => expectUuid(text, name));
}

function parseJsonParameter(text: string, name: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError(`The parameter ${name} must be ${what} as JSON`);
  }
}

/** An Agent or Identified Group, as the statement query's `agent` takes it. */
export function parseActorParameter(text: string, name: string): Actor {
  const value = parseJsonParameter(text, name, 'an Agent or Identified Group');
  const actor = asParameter(() => validateActor(value, name));
  if (!identifierOf(actor)) {
    throw new BadRequestError(
      `The parameter ${name} must be an Agent or an Identified Group, not an anonymous group`,
    );
  }
  return actor;
}

/** An Agent, as the document resources take it. */
export function parseAgentParameter(text: string, name: string): Agent {
  const value = parseJsonParameter(text, name, 'an Agent');
  return asParameter(() => validateAgent(value, name));
}

export function parseTimestampParameter(text: string, name: string): Date {
  const instant = parseTimestamp(text);
  if (instant === null) {
    throw new BadRequestError(
      `The parameter ${name} must be an ISO 8601 timestamp with a time zone`,
    );
  }
  return new Date(instant);
}

export function parseCount(text: string, name: string): number {
  if (!/^\d{1,15}$/.test(text))
    throw new BadRequestError(`The parameter ${name} must be a whole number`);
  return Number(text);
}

export function parseBoolean(text: string, name: string): boolean {
  if (text !== 'true' && text !== 'false') {
    throw new BadRequestError(`The parameter ${name} must be true or false`);
  }
  return text === 'true';
}

/** The canonical text of an actor's inverse functional identifier, as documents key it. */
export function agentKeyOf(actor: Actor): string {
  const identifier = identifierOf(actor);
  if (!identifier) throw new TypeError('An agent key needs an inverse functional identifier');
  const [name, value] = Object.entries(identifier)[0] ?? [];
  if (name === 'account' && value && typeof value === 'object') {
    const account = value as { homePage: string; name: string };
    return JSON.stringify({ account: { homePage: account.homePage, name: account.name } });
  }
  return JSON.stringify({ [name ?? '']: value });
}
