// protocol: the rules of Envoy's xds_protocol doc and discovery.proto as individual checks (RULES.md
// maps every rule to its check). Control-plane checks drive the CP with a scripted client; data-plane
// checks judge a real data plane's transcript with the same analysis their scripted doubles fail.
import type { CheckDefinition } from "../../harness/checks/define.ts";
import { cpAnswersInitialRequest } from "./cp-answers-initial-request.ts";
import { cpIgnoresStaleNonce } from "./cp-ignores-stale-nonce.ts";
import { cpNoResendAfterNack } from "./cp-no-resend-after-nack.ts";
import { cpNoResponseToAck } from "./cp-no-response-to-ack.ts";
import { cpTypeUrlConsistent } from "./cp-type-url-consistent.ts";
import { cpUniqueNonces } from "./cp-unique-nonces.ts";
import { cpSotwCompleteLdsCds } from "./cp-sotw-complete-lds-cds.ts";
import { cpNamedSubscriptionExact } from "./cp-named-subscription-exact.ts";
import { cpUnsubscribeStopsUpdates } from "./cp-unsubscribe-stops-updates.ts";
import { cpDeltaRemovedResources } from "./cp-delta-removed-resources.ts";
import { cpDeltaInitialVersions } from "./cp-delta-initial-versions.ts";
import { cpVersionChanges } from "./cp-version-changes.ts";
import { cpNoDuplicateNames } from "./cp-no-duplicate-names.ts";
import { cpRemembersMissing } from "./cp-remembers-missing.ts";
import { cpSotwReconnectNewNames } from "./cp-sotw-reconnect-new-names.ts";
import { cpNodeFirstRequestOnly } from "./cp-node-first-request-only.ts";
import { cpDeltaResubscribeResends } from "./cp-delta-resubscribe-resends.ts";
import { cpDeltaStaleNonceSubscription } from "./cp-delta-stale-nonce-subscription.ts";
import { dpAckVersionNonce } from "./dp-ack-version-nonce.ts";
import { dpNodeOnFirstRequest } from "./dp-node-on-first-request.ts";
import { dpNackPreviousVersion } from "./dp-nack-previous-version.ts";

export const PROTOCOL_CHECKS: CheckDefinition[] = [
  cpAnswersInitialRequest,
  cpUniqueNonces,
  cpIgnoresStaleNonce,
  cpNoResendAfterNack,
  cpNoResponseToAck,
  cpTypeUrlConsistent,
  cpSotwCompleteLdsCds,
  cpNamedSubscriptionExact,
  cpUnsubscribeStopsUpdates,
  cpDeltaRemovedResources,
  cpDeltaInitialVersions,
  cpVersionChanges,
  cpNoDuplicateNames,
  cpRemembersMissing,
  cpSotwReconnectNewNames,
  cpNodeFirstRequestOnly,
  cpDeltaResubscribeResends,
  cpDeltaStaleNonceSubscription,
  dpAckVersionNonce,
  dpNodeOnFirstRequest,
  dpNackPreviousVersion,
];
