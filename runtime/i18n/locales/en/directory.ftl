# Kapsel — directory, English. Every id in this file starts with `ldap-`.


## Setup: what the tenant and the container must provide
ldap-no-login = no directory login is stored: enrol with --user LOGIN
ldap-no-service-password = the tenant binds to the directory with a service account whose password is not stored yet: run `kapsel dir service-password`
ldap-not-enabled = the tenant has not enabled the directory
ldap-no-server = the tenant policy names no LDAP server
ldap-server-not-url = servers.ldap { $server } is not a URL: { $error }
ldap-server-scheme = servers.ldap { $server } must be ldaps://host[:port] or ldap://host[:port]
ldap-no-base-dn = the tenant policy names no servers.ldap_base_dn
ldap-empty-service-password = the service account's password is empty

## Talking to the server ($what is one of the ldap-what-* phrases)
ldap-what-connection = the connection
ldap-what-login = the login
ldap-what-login-lookup = the login look-up
ldap-what-search = the search
ldap-invalid-credentials = the directory { $server } refused the login: invalid credentials
ldap-refused = the directory { $server } refused { $what }: result { $code } { $text }
ldap-timeout = the directory { $server } did not answer { $what } in time
ldap-tls = TLS to the directory { $server }: { $error }
ldap-failed = the directory { $server } ({ $what }): { $error }
ldap-unknown-host = the directory { $server } cannot be found: { $error }
ldap-socket = the directory { $server }: { $error }
ldap-unreachable = the directory { $server } cannot be reached: { $error }
ldap-no-address = the directory { $server } has no address
ldap-empty-password = an empty password cannot log in to the directory
ldap-login-unknown = the directory { $server } has no entry for the login { $login }
ldap-login-ambiguous = the directory { $server } has more than one entry for the login { $login }
ldap-search-too-long = the directory search took longer than { $seconds } s: narrow it down
ldap-search-time-limit = the directory stopped the search at its time limit ({ $seconds } s): narrow it down

## The search the user typed
ldap-unknown-field = unknown field { $field }: use any, name, mail, phone, department or login
ldap-query-empty = type a name, an address or a number to search for
ldap-query-too-long = the search text is longer than { $max } characters
ldap-query-control = the search text contains control characters
