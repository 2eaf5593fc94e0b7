# Kapsel — cli-apps, German. Every id in this file starts with `cli-app-`.

## Dateien aus der Befehlszeile
cli-app-path-missing = { $path } existiert nicht
cli-app-cannot-read = { $path } kann nicht gelesen werden
cli-app-cannot-write = { $path } kann nicht geschrieben werden
cli-app-path-not-utf8 = der Pfad ist nicht in UTF-8 kodiert
cli-app-what-manifest = das Manifest
cli-app-what-component = die Komponente
cli-app-what-package = das Paket
cli-app-what-secret-key = die Datei mit dem geheimen Schlüssel

## kapsel app new
cli-app-new-created = { $path } angelegt: src/lib.rs, manifest.toml, policy.toml (eine Entwicklungsbehörde, die dev-publisher.key = { $key } vertraut).
    Bauen: cd { $path } && cargo build --release --target wasm32-wasip2  → { $wasm }
cli-app-new-cannot-create = { $path } kann nicht angelegt werden
cli-app-new-name = { $name } ist kein App-Name: Kleinbuchstaben, Ziffern und -, beginnend mit einem Buchstaben, höchstens 64 Zeichen
cli-app-new-exists = { $path } gibt es schon; wählen Sie einen anderen Namen oder Ordner
cli-app-new-no-sdk = { $path } ist kein SDK-Ordner (darin fehlen Cargo.toml und wit/)
cli-app-no-component = kein --component angegeben und hier keine Cargo.toml mit [package]-Namen, um den Build zu finden: --component DATEI.wasm angeben

## kapsel app keygen, package, sign
cli-app-keygen-secret = Geheimer Schlüssel des Herausgebers: { $path } (sicher aufbewahren)
cli-app-keygen-public = Öffentlicher Schlüssel des Herausgebers: { $path } = { $key }
cli-app-keygen-listed = Der Mandant trägt ihn unter [[publishers]] ein.
cli-app-package-written = Paket { $id } { $version } nach { $path } geschrieben ({ $bytes } Byte, { $signature }).
cli-app-package-signed = signiert
cli-app-package-unsigned = nicht signiert: signieren Sie es mit `kapsel app sign`
cli-app-signed = { $path } signiert.

## kapsel app install, list, remove, open, act
cli-app-installed = { $name } ({ $id }) { $version } installiert — in { $ms } ms kompiliert.
cli-app-update = Aktualisierung { $from } → { $to }: { $changes }
cli-app-update-same = Aktualisierung { $from } → { $to }: dieselben Berechtigungen und Ursprünge.
cli-app-adds-capability = neu: { $capability }
cli-app-removes-capability = entfällt: { $capability }
cli-app-adds-origin = neuer Ursprung { $origin }
cli-app-removes-origin = entfallener Ursprung { $origin }
cli-app-not-granted = Deklariert, aber von der Behörde nicht gewährt (diese Aufrufe werden abgelehnt): { $list }
cli-app-not-granted-origin = Ursprung { $origin }
cli-app-none-installed = Keine Apps installiert.
cli-app-removed = { $id } und ihre Daten wurden entfernt.
cli-app-field-syntax = --field { $field } muss die Form Name=Wert haben
cli-app-viewer-failed = (der Betrachter konnte es nicht öffnen: { $error })
cli-app-damaged-data = die App { $app } ist im Container auf beschädigte Daten gestoßen (im Prüfprotokoll vermerkt): { $damage }
cli-app-notification = (Benachrichtigung) { $title }: { $body }
cli-app-saved-document = (im Container gespeichert) { $name } — Dokument { $id }
cli-app-denied = (verweigert) { $reason }

## kapsel doc
cli-app-doc-imported = { $name } als Dokument { $id } importiert ({ $bytes } Byte, { $media_type }).
cli-app-no-documents = Keine Dokumente.

## kapsel notifications
cli-app-no-notifications = Keine Benachrichtigungen.
cli-app-notification-count = { $count ->
    [one] 1 Benachrichtigung.
   *[other] { $count } Benachrichtigungen.
}
cli-app-container-locked = Der Container ist gesperrt.
cli-app-notification-count-locked = { $count ->
    [one] 1 Benachrichtigung
   *[other] { $count } Benachrichtigungen
} — entsperren Sie den Container, um sie zu lesen.

## kapsel credential
cli-app-token-unreadable = das Token kann nicht von der Standardeingabe gelesen werden
cli-app-token-syntax = geben Sie das Token auf der Standardeingabe an, in einer Zeile, ohne Leerzeichen
cli-app-token-stored = Token für { $origin } gespeichert.
cli-app-token-removed = Token für { $origin } entfernt.
