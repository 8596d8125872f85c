/**
 * The structural, non-cryptographic half of verifying a presentation against the request it
 * answers. The verifier library adds the other half (issuer key lookup, `disclosedScalars`,
 * the BBS proof with `presentationHeader`, the pseudonym).
 */
import { pointerToken } from './bytes.js';
import { evaluateClause, type EvaluationOptions } from './constraints.js';
import type { Issue } from './errors.js';
import type { Presentation, PresentationRequest } from './formats.js';

/**
 * Everything about `presentation` that can be checked without cryptography:
 * - it answers this request: same requestId, nonce and verifierId;
 * - one item per group, in group order, each naming a clause of its group;
 * - each item's schema is the clause's, and its issuer (and key, if listed) is accepted;
 * - each item discloses exactly the clause's `attributesToDisclose`, and the constraints hold;
 * - a pseudonym on every item if the request asks for one, on none otherwise.
 * Returns the issues found (empty when the presentation passes). Paths point into the presentation.
 */
export function checkPresentationAgainstRequest(
  request: PresentationRequest,
  presentation: Presentation,
  options: EvaluationOptions,
): Issue[] {
  const issues: Issue[] = [];
  const push = (path: string, reason: string, message: string) => issues.push({ path, reason, message });
  for (const field of ['requestId', 'nonce', 'verifierId'] as const) {
    if (presentation[field] !== request[field])
      push(`/${field}`, 'REQUEST_MISMATCH', `${field} differs from the request`);
  }
  if (presentation.items.length !== request.groups.length) {
    push(
      '/items',
      'ITEM_COUNT',
      `expected ${request.groups.length} items (one per group), got ${presentation.items.length}`,
    );
  }
  presentation.items.forEach((item, g) => {
    const at = `/items/${g}`;
    const group = request.groups[g];
    if (!group) return;
    const clause = group.anyOf[item.clauseIndex];
    if (!clause) {
      push(`${at}/clauseIndex`, 'UNKNOWN_CLAUSE', `group ${g} has no clause ${item.clauseIndex}`);
      return;
    }
    if (item.schemaRef !== clause.schemaRef) {
      push(`${at}/schemaRef`, 'SCHEMA_MISMATCH', `the clause asks for ${clause.schemaRef}`);
    }
    const issuer = clause.issuers.find((candidate) => candidate.issuerId === item.issuerId);
    if (!issuer) push(`${at}/issuerId`, 'ISSUER_NOT_ACCEPTED', `${item.issuerId} is not an accepted issuer`);
    else if (issuer.keyIds && !issuer.keyIds.includes(item.keyId)) {
      push(`${at}/keyId`, 'KEY_NOT_ACCEPTED', `${item.keyId} is not an accepted key of ${item.issuerId}`);
    }
    const evaluation = evaluateClause(clause, item.disclosed, options);
    for (const failure of evaluation.failures) {
      push(`${at}/disclosed/${pointerToken(failure.attribute)}`, failure.reason, failure.message);
    }
    if (request.pseudonym && item.pseudonym === undefined) {
      push(`${at}/pseudonym`, 'PSEUDONYM_MISSING', 'the request asks for a pseudonym');
    }
    if (!request.pseudonym && item.pseudonym !== undefined) {
      push(`${at}/pseudonym`, 'PSEUDONYM_NOT_REQUESTED', 'the request asks for no pseudonym');
    }
  });
  const pseudonyms = new Set(presentation.items.map((item) => item.pseudonym).filter((p) => p !== undefined));
  if (pseudonyms.size > 1) {
    push('/items', 'PSEUDONYM_MISMATCH', 'items carry different pseudonyms, so they are not from one holder');
  }
  return issues;
}
