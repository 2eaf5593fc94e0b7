# Kapsel — core, English. Every id in this file starts with `core-`.

## The error frames (the detail comes from the module that raised the error)
core-error-not-enrolled = no container at { $path }: run `kapsel enroll` first
core-error-already-enrolled = a container already exists at { $path }: run `kapsel wipe` first if you mean to start over
core-error-locked = the container is locked: run `kapsel unlock` first
core-error-wrong-password = wrong password ({ $failures } failed attempt(s); { $remaining } left before the container is { $on_limit })
core-error-back-off = too many failed unlocks: try again in { $seconds } s
core-error-wiped = the container was wiped after { $count } failed unlocks; enrol again to continue
core-error-tampered = integrity error: { $detail } (the container's data was altered or damaged)
core-error-policy = policy refused: { $detail }
core-error-device = device check failed: { $detail }
core-error-not-found = not found: { $detail }
core-error-agent = session agent: { $detail }
core-error-storage = storage error: { $detail }
core-on-limit-wipe = wiped
core-on-limit-lockout = locked out
