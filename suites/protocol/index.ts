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
import { cpSotwEmptyNamesNoInterest } from "./cp-sotw-empty-names-no-interest.ts";
import { cpLegacyWildcardEnds } from "./cp-legacy-wildcard-ends.ts";
import { cpSotwWildcardPlusName } from "./cp-sotw-wildcard-plus-name.ts";
import { cpDeltaUnsubscribeWildcardKeepsNames } from "./cp-delta-unsubscribe-wildcard-keeps-names.ts";
import { cpDeltaWildcardUnsubscribeWhole } from "./cp-delta-wildcard-unsubscribe-whole.ts";
import { cpDeltaPhantomUnsubscribe } from "./cp-delta-phantom-unsubscribe.ts";
import { cpDeltaWildcardUnsubscribeAnswered } from "./cp-delta-wildcard-unsubscribe-answered.ts";
import { cpDeltaMissingInRemoved } from "./cp-delta-missing-in-removed.ts";
import { cpAdsTypesIndependent } from "./cp-ads-types-independent.ts";
import { cpPerTypeImplicitTypeUrl } from "./cp-per-type-implicit-type-url.ts";
import { cpDeltaResourceNameVersion } from "./cp-delta-resource-name-version.ts";
import { cpDeltaChangedOnly } from "./cp-delta-changed-only.ts";
import { cpAdsUnknownTypeIsolated } from "./cp-ads-unknown-type-isolated.ts";
import { cpDeltaReconnectRemoved } from "./cp-delta-reconnect-removed.ts";
import { cpSotwDeletionPushed } from "./cp-sotw-deletion-pushed.ts";
import { dpAckVersionNonce } from "./dp-ack-version-nonce.ts";
import { dpNodeOnFirstRequest } from "./dp-node-on-first-request.ts";
import { dpNackPreviousVersion } from "./dp-nack-previous-version.ts";
import { dpAnswersEveryResponse } from "./dp-answers-every-response.ts";
import { dpSotwReconnectVersion } from "./dp-sotw-reconnect-version.ts";
import { dpDeltaReconnectState } from "./dp-delta-reconnect-state.ts";
import { dpIgnoresUnrequested } from "./dp-ignores-unrequested.ts";
import { dpWildcardLdsCds } from "./dp-wildcard-lds-cds.ts";
import { dpDeltaPartialKeeps } from "./dp-delta-partial-keeps.ts";
import { dpDuplicateNamesNacked } from "./dp-duplicate-names-nacked.ts";
import { dpDuplicateEndpointsNacked } from "./dp-duplicate-endpoints-nacked.ts";
import { dpSotwAbsenceDeletes } from "./dp-sotw-absence-deletes.ts";
import { dpSotwAbsenceKeeps } from "./dp-sotw-absence-keeps.ts";
import { dpResourceTimeout } from "./dp-resource-timeout.ts";
import { dpWarmingWaits } from "./dp-warming-waits.ts";
import { dpSingleAdsStream } from "./dp-single-ads-stream.ts";
import { dpDeltaSpontaneousNoNonce } from "./dp-delta-spontaneous-no-nonce.ts";
import { dpEdsFollowsCds } from "./dp-eds-follows-cds.ts";
import { dpRdsFollowsLds } from "./dp-rds-follows-lds.ts";
import { cpTtlHeartbeats } from "./cp-ttl-heartbeats.ts";
import { cpSotwTtlWrapGated } from "./cp-sotw-ttl-wrap-gated.ts";
import { cpTtlUnsetResent } from "./cp-ttl-unset-resent.ts";
import { cpRestCanonicalJson } from "./cp-rest-canonical-json.ts";
import { cpRestNonceOptional } from "./cp-rest-nonce-optional.ts";
import { cpRestLongPoll } from "./cp-rest-long-poll.ts";
import { cpRestVersionInfo } from "./cp-rest-version-info.ts";
import { dpTtlExpiryRemoves } from "./dp-ttl-expiry-removes.ts";
import { dpTtlHeartbeatKeeps } from "./dp-ttl-heartbeat-keeps.ts";
import { dpTtlUnsetRemovesTimer } from "./dp-ttl-unset-removes-timer.ts";
import { dpFileLastValidKept } from "./dp-file-last-valid-kept.ts";
import { dpFileMovePickedUp } from "./dp-file-move-picked-up.ts";

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
  cpSotwEmptyNamesNoInterest,
  cpLegacyWildcardEnds,
  cpSotwWildcardPlusName,
  cpDeltaUnsubscribeWildcardKeepsNames,
  cpDeltaWildcardUnsubscribeWhole,
  cpDeltaPhantomUnsubscribe,
  cpDeltaWildcardUnsubscribeAnswered,
  cpDeltaMissingInRemoved,
  cpAdsTypesIndependent,
  cpPerTypeImplicitTypeUrl,
  cpDeltaResourceNameVersion,
  cpDeltaChangedOnly,
  cpAdsUnknownTypeIsolated,
  cpDeltaReconnectRemoved,
  cpSotwDeletionPushed,
  dpAckVersionNonce,
  dpNodeOnFirstRequest,
  dpNackPreviousVersion,
  dpAnswersEveryResponse,
  dpSotwReconnectVersion,
  dpDeltaReconnectState,
  dpIgnoresUnrequested,
  dpWildcardLdsCds,
  dpDeltaPartialKeeps,
  dpDuplicateNamesNacked,
  dpDuplicateEndpointsNacked,
  dpSotwAbsenceDeletes,
  dpSotwAbsenceKeeps,
  dpResourceTimeout,
  dpWarmingWaits,
  dpSingleAdsStream,
  dpDeltaSpontaneousNoNonce,
  dpEdsFollowsCds,
  dpRdsFollowsLds,
  cpTtlHeartbeats,
  cpSotwTtlWrapGated,
  cpTtlUnsetResent,
  cpRestCanonicalJson,
  cpRestNonceOptional,
  cpRestLongPoll,
  cpRestVersionInfo,
  dpTtlExpiryRemoves,
  dpTtlHeartbeatKeeps,
  dpTtlUnsetRemovesTimer,
  dpFileLastValidKept,
  dpFileMovePickedUp,
];
