// Clerk JS deciding a batch of cases: JSON on stdin, JSON on stdout, one Node process per batch.
//
// Input: {"cases": [{"claims": {...}, "pending": bool, "checks": [{role, permission, ...}]}],
//         "tokens": [{"token": "<a session token>", "pending": bool, "checks": [...]}],
//         "jwtKey": "<the PEM public key the tokens verify with>",
//         "hints": [<a 403 body of ours>]}
// Output: {"cases": [{"refused": bool, "auth": {...}, "results": [bool | "throws"]}],
//          "tokens": [{"refused": bool, "error": string | null, "auth": {...}, "results": [...]}],
//          "hints": [{"hint": bool, "level": string | null}]}
// A case's claims go through @clerk/backend's toAuth() path (getAuthObjectFromJwt builds the
// auth object the same way), then has(); a token is verified first (verifyToken, networkless with
// jwtKey) and its verified claims take the same path; a reverification body goes through the
// frontend's own reader.
'use strict';

const { verifyToken } = require('@clerk/backend');
const { getAuthObjectFromJwt } = require('@clerk/backend/internal');
const { isReverificationHint } = require('@clerk/shared/authorization-errors');
const { validateReverificationConfig } = require('@clerk/shared/authorization');

async function decideToken({ token, pending, checks }, jwtKey) {
  let claims;
  try {
    claims = await verifyToken(token, { jwtKey }); // the verified claims, or it throws
  } catch (error) {
    return { refused: true, error: `${error.reason}: ${error.message}`, auth: null, results: [] };
  }
  return { ...decide({ claims, pending, checks }, token), error: null };
}

function decide({ claims, pending, checks }, raw = 'token') {
  let auth;
  try {
    auth = getAuthObjectFromJwt({ raw: { text: raw }, payload: claims }, { treatPendingAsSignedOut: pending });
  } catch {
    return { refused: true, auth: null, results: [] };
  }
  const results = checks.map(check => {
    try {
      return auth.has(check);
    } catch {
      return 'throws';
    }
  });
  const fields = {
    isAuthenticated: auth.isAuthenticated,
    userId: auth.userId,
    sessionId: auth.sessionId,
    sessionStatus: auth.sessionStatus,
    orgId: auth.orgId,
    orgRole: auth.orgRole,
    orgSlug: auth.orgSlug,
    orgPermissions: auth.orgPermissions,
  };
  return { refused: false, auth: fields, results };
}

function readHint(body) {
  const parsed = JSON.parse(body);
  if (!isReverificationHint(parsed)) {
    return { hint: false, level: null };
  }
  const config = validateReverificationConfig(parsed.clerk_error.metadata?.reverification);
  return { hint: true, level: config ? config().level : null, afterMinutes: config ? config().afterMinutes : null };
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', chunk => (input += chunk));
process.stdin.on('end', async () => {
  const batch = JSON.parse(input);
  const tokens = await Promise.all((batch.tokens || []).map(item => decideToken(item, batch.jwtKey)));
  const output = {
    cases: (batch.cases || []).map(item => decide(item)),
    tokens,
    hints: (batch.hints || []).map(readHint),
  };
  process.stdout.write(JSON.stringify(output));
});
