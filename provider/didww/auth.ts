/**
How a DIDWW request carries its credential, which the API version decides (provider/settings.ts, `didwwAuth`): the
key in `Api-Key` before 2026-11-19, exactly as ever; from then on `Authorization: Bearer <access token>` (token.ts).

A bearer request gets the process's current token. One refused with 401 is replaced once (a minted token: DIDWW may
have expired or revoked it early) and the request sent again; a 401 after that, and a 403 for a token that can only
read, become messages that say what to do. Anything in an error answer that echoes the key or a token is masked.
*/
import { DidrouteError } from "../errors";
import type { HttpLimits, HttpRequest, HttpResponse, HttpSend } from "../http";
import { operationName } from "../operation";
import type { DidwwAuth } from "../settings";
import { didwwSaid, masked, mintedTokens, suppliedToken, type TokenSource } from "./token";

/** What a client built for a credential needs: the headers every request carries, and what the limiter is keyed by. */
export interface RequestCredential {
  headers: Record<string, string>;
  limiterKey: string;
}

export function authorizedSend(
  auth: DidwwAuth,
  limits: HttpLimits,
  create: (credential: RequestCredential) => HttpSend,
): HttpSend {
  if (auth.scheme === "apiKey") {
    const send = create({ headers: { "api-key": auth.apiKey }, limiterKey: auth.apiKey });
    return Object.assign(async (request: HttpRequest) => maskedAnswer(await send(request), [auth.apiKey]), { slot: send.slot });
  }
  const tokens =
    auth.scheme === "mintedToken"
      ? mintedTokens(auth.tokenEndpoint, auth.apiKey, limits)
      : suppliedToken(auth.accessToken, auth.source);
  // DIDWW counts requests per account: the limiter stays keyed by the API key, not by the token of the hour.
  const send = create({ headers: {}, limiterKey: auth.scheme === "mintedToken" ? auth.apiKey : auth.accessToken });
  const bearerSend = async (request: HttpRequest): Promise<HttpResponse> => {
    // The token is taken when the request has its slot from the limiter and leaves (see http.ts): a request that
    // waited there while the token was renewed carries the new one.
    let sent = "";
    const withToken: HttpRequest = {
      ...request,
      attemptHeaders: async () => {
        sent = await tokens.current();
        return { authorization: `Bearer ${sent}` };
      },
    };
    let response = await send(withToken);
    const refused = sent;
    let replaced = false;
    if (response.status === 401 && (await replacement(tokens, refused, response)) !== undefined) {
      replaced = true;
      response = await send(withToken);
    }
    const secrets = [refused, sent, ...tokens.secrets()];
    if (response.status === 401) throw tokenRefused(maskedAnswer(response, secrets), auth, replaced);
    if (response.status === 403 && challenge(response) === "insufficient_scope") {
      throw readOnlyToken(maskedAnswer(response, secrets), auth);
    }
    return maskedAnswer(response, secrets);
  };
  return Object.assign(bearerSend, { slot: send.slot });
}

/**
Another token after DIDWW refused `refused` on `response.request`. A mint that fails then names that request too: the
token service's error alone would not say which request was refused, nor that a token was.
*/
async function replacement(tokens: TokenSource, refused: string, response: HttpResponse): Promise<string | undefined> {
  try {
    return await tokens.replace(refused);
  } catch (error) {
    const why = challenge(response);
    const message = error instanceof Error ? error.message : String(error);
    throw new DidrouteError(
      `DIDWW refused the access token (401${why ? ` ${why}` : ""} on ${response.request}), and minting another failed: ${message}`,
      details(response),
    );
  }
}

/** Error answers only: a success's body is data, read by the client and never shown. */
function maskedAnswer(response: HttpResponse, secrets: readonly string[]): HttpResponse {
  if (response.status >= 200 && response.status < 300) return response;
  return { ...response, body: masked(response.body, secrets) };
}

/** The `error` of a `WWW-Authenticate: Bearer error="…"` challenge (RFC 6750 §3), if the answer has one. */
function challenge(response: HttpResponse): string | undefined {
  const header = response.headers["www-authenticate"];
  const text = Array.isArray(header) ? header.join(", ") : (header ?? "");
  return /\berror="([^"]*)"/.exec(text)?.[1];
}

function details(response: HttpResponse) {
  const [method = "", path = ""] = response.request.split(" ");
  return { system: "DIDWW" as const, status: response.status, method, path };
}

function tokenRefused(response: HttpResponse, auth: DidwwAuth, replaced: boolean): DidrouteError {
  const why = challenge(response);
  const status = `401${why ? ` ${why}` : ""} on ${response.request}`;
  const said = didwwSaid(response.body);
  if (auth.scheme === "suppliedToken") {
    return new DidrouteError(
      `DIDWW refused the access token in ${auth.source} (${status}): it has expired or was revoked, was minted for ` +
        "the other environment or another audience, or this address is not among the allowed IP addresses of the key " +
        "it was minted with (DIDWW copies them into every token). Supply a new one, or set didww:apiKey / " +
        `DIDWW_API_KEY instead so that tokens are minted as needed.${said}`,
      details(response),
    );
  }
  const tokenEndpoint = auth.scheme === "mintedToken" ? auth.tokenEndpoint : "";
  return new DidrouteError(
    `DIDWW refused the access token (${status})${replaced ? ", also one minted just now" : ""}: this address may not ` +
      "be among the API key's allowed IP addresses (DIDWW copies them into every token), or the token service " +
      `(${tokenEndpoint}, didww:tokenEndpoint) belongs to another environment than didww:endpoint.${said}`,
    details(response),
  );
}

function readOnlyToken(response: HttpResponse, auth: DidwwAuth): DidrouteError {
  const operation = operationName();
  const token = auth.scheme === "suppliedToken" ? `the access token in ${auth.source}` : "the access token minted from the API key";
  const fix =
    auth.scheme === "suppliedToken"
      ? "supply a token that may write, or set didww:apiKey / DIDWW_API_KEY instead"
      : "use an API key whose tokens may write";
  return new DidrouteError(
    `DIDWW refused ${response.request} (403 insufficient_scope): ${token} can only read (read scope), and ` +
      `${operation === undefined ? "this request writes" : `this ${operation} has to write`}. For pulumi up, ${fix}; ` +
      "read-only tokens are for didroute plan, didroute validate --online and pulumi preview.",
    details(response),
  );
}
