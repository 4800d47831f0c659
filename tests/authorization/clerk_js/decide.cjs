// Clerk JS deciding a batch of cases: JSON on stdin, JSON on stdout, one Node process per batch.
//
// Input: {"cases": [{"claims": {...}, "pending": bool, "checks": [{role, permission, ...}]}],
//         "hints": [<a 403 body of ours>]}
// Output: {"cases": [{"refused": bool, "auth": {...}, "results": [bool | "throws"]}],
//          "hints": [{"hint": bool, "level": string | null}]}
// A session token goes through @clerk/backend's toAuth() path (getAuthObjectFromJwt builds the
// auth object the same way), then has(); a reverification body through the frontend's own reader.
'use strict';

const { getAuthObjectFromJwt } = require('@clerk/backend/internal');
const { isReverificationHint } = require('@clerk/shared/authorization-errors');
const { validateReverificationConfig } = require('@clerk/shared/authorization');

function decide({ claims, pending, checks }) {
  let auth;
  try {
    auth = getAuthObjectFromJwt({ raw: { text: 'token' }, payload: claims }, { treatPendingAsSignedOut: pending });
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
process.stdin.on('end', () => {
  const batch = JSON.parse(input);
  const output = { cases: batch.cases.map(decide), hints: (batch.hints || []).map(readHint) };
  process.stdout.write(JSON.stringify(output));
});
