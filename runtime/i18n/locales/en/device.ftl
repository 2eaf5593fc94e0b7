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
device-refused = { $reason }. { $helpdesk }
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

## The admin's device registry and publishing (kapsel tenant device, publish, rollover, receipt)
device-registry-what = the device registry
device-registry-what-published = a published document
device-registry-header = The device registry of tenant { $tenant }: the admin's own record, not signed and never published.
    Keep it with the tenant key. Written by `kapsel tenant device`, read by `kapsel tenant publish`.
device-registry-tenant-invalid = { $id } is not a tenant id (lowercase letters, digits and hyphens, at most 64 characters)
device-registry-login-invalid = the login in the enrolment request is not acceptable (1 to { $max } characters, no control characters)
device-registry-unreadable = the device registry { $path } cannot be read: { $error }
device-registry-bad-key = device { $id } in { $path } has an unusable key: { $error }
device-registry-duplicate = { $path } lists device { $id } twice
device-registry-missing = there is no device registry at { $path } yet: name the tenant (`--tenant ID`) when you approve the first device, and it is created
device-registry-tenant-differs = the device registry { $path } belongs to tenant { $registry }, not to { $tenant }
device-registry-unwritable = cannot write the device registry { $path }: { $error }
device-registry-cannot-write = cannot write { $path }
device-registry-cannot-lock = cannot lock { $path }
device-registry-request-tenant = the enrolment request is for tenant { $request }, this registry for tenant { $registry }
device-registry-key-differs = device { $id } is already approved with another key; this request is refused (a device that enrols again gets a new id)
device-registry-key-taken = device { $id } already has the key this request names; the request is refused (a copied container?)
device-registry-unknown = device { $id } is not in the registry (`kapsel tenant device list` shows the devices)
device-registry-wiped-final = device { $id } wiped itself at { $time } (its wipe receipt is recorded); it stays `wipe`: to use the device again, enrol it anew
device-registry-receipt-unknown = the wipe receipt names device { $id }, which is not in the registry
device-registry-receipt-signer = the wipe receipt is not signed by the key of device { $id }
device-registry-receipt-tenant = the wipe receipt is for tenant { $receipt }, this registry for tenant { $registry }
device-registry-valid-hours = the freshness document must be valid for 1 to { $max } hours, not { $hours }
device-registry-dir-missing = { $path } is not a folder: create the folder the web server publishes first
device-registry-policy-refused = the devices would refuse this policy: { $error }
device-registry-policy-tenant = the policy is for tenant { $policy }, the registry for tenant { $registry }
device-registry-rollover-signer = the key rollover is not signed by the old key it names
device-registry-rollover-tenant = the key rollover is for tenant { $rollover }, the registry for tenant { $registry }
device-registry-rollover-new-key = the key rollover leads to { $new }, but the documents would be signed with { $key }: after a key rollover, publish with the new key
device-registry-rollover-same-key = the old and the new tenant key are the same
device-registry-policy-older = { $path } already holds policy serial { $published }; the devices would refuse serial { $serial }: sign the policy with a higher serial
device-registry-devices-older = { $path } already holds device list serial { $published }, but the registry is at { $serial }: it is older than what was published (restored from a backup?), and the devices would refuse its list
device-registry-clock-behind = { $path } was issued at { $published }, later than this computer's clock ({ $now }): set the clock right before publishing
device-registry-log-unreadable = cannot read the access log
device-registry-policy-signer = the policy is signed by { $signer }, but the documents would be signed with { $key }: sign the policy with the key you publish with
