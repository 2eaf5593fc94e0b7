# Kapsel — device management, English. Every id in this file starts with `device-`.

## Documents
device-doc-devices = device list
device-doc-freshness = freshness document
device-doc-rollover = key rollover
device-doc-enrolment = enrolment request
device-doc-receipt = wipe receipt
device-doc-unwritable = cannot write the { $what }: { $error }
device-doc-wrong-signer = the { $what } is signed by { $key }, not by the tenant key this container trusts
device-doc-too-large = the { $what } is larger than { $max } bytes
device-doc-bad-signature = the { $what } is not validly signed: { $detail }
device-doc-unreadable = the { $what } cannot be read: { $error }
device-request-key-mismatch = the enrolment request is not signed by the device key it names
device-id-invalid = { $id } is not a device id (d- and 32 hex digits)

## Fetching the tenant's files
device-fetch-not-https = the tenant endpoint { $url } is not https
device-fetch-missing = the tenant's server has no { $url }
device-fetch-not-text = { $url } is not UTF-8 text
device-fetch-failed = cannot fetch { $url }: { $error }
device-fetch-redirect = { $url } redirects to { $location }; Kapsel follows no redirect for the tenant's documents
device-fetch-status = { $url } answered HTTP { $status }
device-fetch-no-address = cannot resolve { $host }
device-cannot-write = cannot write { $path }

## Checking what was fetched
device-foreign-tenant = the tenant's documents name another tenant
device-rollover-unpinned = a key rollover not signed by the pinned tenant key was refused
device-older-freshness = the freshness document from { $issued } is older than one already seen ({ $seen }): refused
device-older-devices = device list serial { $serial } is older than serial { $seen } already seen: refused
device-older-policy = the published policy serial { $serial } is older than the installed serial { $installed }: refused
device-clock-behind = the tenant's document was issued at { $issued }, but this device's clock says { $now }: the clock is wrong
device-stale = the tenant's freshness document expired at { $expired }: the publication is stale
device-inconsistent = the published policy, device list and freshness document do not belong together

## Refusing and wiping
device-refused = Kapsel cannot open: { $reason }. { $helpdesk }
device-wiped = Kapsel wiped this container ({ $reason }); the receipt is { $receipt }. { $helpdesk }
device-last-error = ; the last attempt failed: { $error }
device-reason-locked = your organisation has locked this device
device-reason-not-approved = your organisation has not approved this device yet (send it the file enrolment-request.toml from the container folder)
device-reason-grace = the tenant was last reached at { $last }, longer ago than the offline grace period allows{ $error }
device-never = never
device-reason-clock = this device's clock ({ $now }) is behind a time already seen ({ $seen }); set the clock right and connect to the network
device-wipe-remote = your organisation ordered it
device-wipe-offline = no contact with the tenant for longer than the policy allows
device-wipe-unknown = this device is not in the tenant's device list
