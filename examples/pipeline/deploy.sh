#!/bin/sh
# The privileged step. `countersign request … -- ./deploy.sh` runs it only once the deploy is
# approved and its grant redeemed, with the grant in the environment:
#   COUNTERSIGN_GRANT      the signed grant (a compact JWS): what was approved, by whom, until when
#   COUNTERSIGN_ACTION_ID  the action's id, e.g. to link from the deploy record
#   COUNTERSIGN_PARAMS     the approved parameters as JSON
# A target that checks grants itself verifies COUNTERSIGN_GRANT offline with the SDK's verifyGrant
# against $COUNTERSIGN_URL/.well-known/jwks.json (docs/sdk.md).
set -eu
: "${COUNTERSIGN_GRANT:?run me through countersign request … -- ./deploy.sh}"
VERSION="${1:?usage: deploy.sh <version>}"
echo "deploying $VERSION to production (approved action $COUNTERSIGN_ACTION_ID, params $COUNTERSIGN_PARAMS)"
# … the real deployment goes here …
