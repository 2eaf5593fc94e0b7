# Kapsel — audit, English: the reviewer's reports (`kapsel audit`), from kapsel-host's report
# and the CLI's rendering. Every id in this file starts with `audit-`.

## Honest trust: what the policy given can and cannot vouch for
audit-no-policy = no tenant policy given: neither trust in the publisher nor the grants can be judged (give --policy FILE)
audit-policy-draft = the policy given is not signed: a draft vouches for no publisher and grants nothing a container would accept
audit-policy-altered-package = the policy given was altered after signing ({ $problem }): its publishers and grants are not the tenant's
audit-policy-altered = the policy was altered after signing: { $problem }
audit-policy-foreign = the policy given is signed by another key than this container's tenant ({ $problem }): its publishers and grants are not the tenant's
audit-foreign-key = signed by { $signer }, but this container's tenant key is { $tenant }
audit-import-granted-by-draft = declared; granted only by an unsigned or altered policy
audit-nothing-given = give a package to review, or --policy FILE (there is no container here)
audit-exit = verdict for { $subject }: { $verdict } — { $reasons }

## What the app cannot do
audit-cannot-clipboard = use the clipboard (there is no clipboard interface)
audit-cannot-files = read or write files on the device (no preopened directories)
audit-cannot-other-apps = read another app's data (each app has its own namespace)
audit-cannot-sockets = open sockets or reach the network past the host's origin checks
audit-cannot-environment = read environment variables or start processes
audit-cannot-network = reach the network at all (http is not granted)
audit-cannot-credentials = send the user's credentials anywhere (the tenant adds none for it)
audit-cannot-storage = keep data between calls (storage is not granted)
audit-cannot-documents = open or save documents (documents is not granted)
audit-cannot-notify = post notifications (notify is not granted)

## What it can do with what it reads
audit-flow-inside = nothing it reads can leave the container: it has no network
audit-flow-input = send what the user types or chooses in it to { $origins }
audit-flow-storage = send its stored data to { $origins }
audit-flow-documents = send the documents handed to it to { $origins }
audit-flow-settings = send the tenant's settings for it to { $origins }
audit-flow-credentialed = carry what it fetches with the user's credentials from { $from } to { $to }
audit-flow-between = carry what it fetches from one of its origins to another ({ $origins })
audit-flow-keep = keep what it reads in its storage inside the container
audit-flow-notify = show what it reads in notifications (while locked: { $locked })
audit-locked-nothing = nothing
audit-locked-count = a count only
audit-locked-content = their content
audit-locked-shows-nothing = nothing shown
audit-locked-shows-count = a count only
audit-locked-shows-content = content shown

## Risky policy settings
audit-finding-locked-content = notifications show their content while the container is locked ([dlp] notifications_locked)
audit-finding-unknown-device = devices the tenant does not list may open the container ([management] unknown_device = "allow")

## kapsel audit --diff
audit-diff-two = --diff takes two packages, OLD and NEW, and no other package
audit-diff-other-app = the two packages are different apps ({ $old } and { $new })
audit-diff-signer = the signing key changed from { $old } to { $new }
audit-diff-more = the new version asks for more (capabilities or origins): review what it adds
audit-diff-update = { $id } { $old } → { $new }
audit-diff-none = no change
audit-diff-no-policy = unknown without a tenant policy

## The reports' labels (one column) and values
audit-verdict-approve = APPROVE
audit-verdict-review = REVIEW
audit-verdict-reject = REJECT
audit-label-app = App
audit-label-package = Package
audit-label-manifest = Manifest
audit-label-component = Component
audit-label-signature = Signature
audit-label-policy = Policy
audit-label-wasi = WASI
audit-label-verdict = Verdict
audit-label-tenant = Tenant
audit-label-signed-by = Signed by
audit-label-integrity = Integrity
audit-label-update = Update
audit-label-capabilities = Capabilities
audit-label-origins = Origins
audit-label-imports = Imports
audit-label-effective = Effective
audit-label-limits = limits
audit-label-anchors = anchors
audit-app-value = { $name } ({ $id }) { $version } by { $by } — kapsel:app { $api }
audit-claimed = { $publisher } (the manifest's claim, not verified)
audit-component-value = sha256 { $hash } ({ $bytes } bytes)
audit-signature-valid = valid, key { $key }, { $trust }
audit-signature-invalid = INVALID: { $problem }
audit-trusted = trusted by the tenant as { $name }
audit-trusted-by-file = trusted as { $name } by the policy signed by { $key } (check that this is the tenant's key)
audit-untrusted = NOT a publisher this tenant trusts
audit-listed-by-draft = listed as { $name } by a policy nobody vouches for: NOT trusted
audit-trust-not-established = trust not established (the policy given is not the tenant's signed policy)
audit-trust-unknown = trust unknown (no tenant policy given)
audit-tenant-value = { $name } ({ $id }) serial { $serial }
audit-policy-none = NONE given: trust and grants cannot be judged, the verdict is at best REVIEW
audit-policy-container = the container's: { $tenant }, signed by { $key }
audit-policy-file-signed = file: { $tenant }, signed by { $key }
audit-policy-file-unsigned = file: { $tenant }, NOT SIGNED (a draft: it vouches for nobody)
audit-policy-file-altered = file: { $tenant }, ALTERED after signing: { $problem }
audit-policy-file-foreign = file: { $tenant }, NOT the tenant's: { $problem }
audit-declared = Declared capabilities
audit-imports = Imports (decoded from the component binary)
audit-import-ok = ok
audit-import-no = NO
audit-wasi-sealed = sealed: no preopened directories, no sockets, empty environment
audit-wasi-open = asks for WASI that Kapsel never provides
audit-effective = Effective rights under this policy
audit-effective-draft = Effective rights under this policy (a draft: nothing here is granted yet)
audit-effective-unknown = Effective rights: unknown without a tenant policy (give --policy FILE)
audit-effective-nothing = nothing: the policy grants this app no capability
audit-storage-value = { $bytes } bytes apply (the manifest asks for { $declared }, the policy allows { $policy }: the smaller applies)
audit-origin-value = { $origin } — { $addresses }; { $credentials }
audit-origin-private = private addresses allowed
audit-origin-public = public addresses only
audit-credentials-basic = the user's credentials: Basic (the directory password)
audit-credentials-bearer = the user's credentials: the bearer token stored for it
audit-credentials-below = { $kind } below { $paths }
audit-credentials-none = no user credentials
audit-notify-value = at most { $count } per call; while locked: { $locked }
audit-documents-value = the handed-over document; saves up to { $bytes } bytes
audit-log-value = the newest { $lines } lines, inside the container
audit-limit-call = call { $ms } ms
audit-limit-memory = memory { $bytes } bytes
audit-limit-response = HTTP response { $bytes } bytes
audit-limit-http-timeout = HTTP timeout { $ms } ms
audit-anchors-none = none added: the public web roots
audit-anchors-only = only these anchors: the public web roots are not trusted
audit-cannot = The app cannot
audit-can-with-data = With what it reads, the app can
audit-mismatches = Mismatches
audit-not-signed = NOT SIGNED
audit-altered = ALTERED after signing: { $problem }
audit-publishers = Publishers
audit-apps = Apps
audit-preinstalled = (preinstalled)
