#!/usr/bin/env python3
"""SharePoint REST EMULATOR for Kapsel's tests -- not SharePoint.

No SharePoint can run here, so this serves a folder tree through the documented REST
endpoints that a document-library client uses, in both JSON shapes:

  GET {site}/_api/web/lists?$filter=BaseTemplate eq 101 and Hidden eq false&$expand=RootFolder
  GET {site}/_api/web/GetFolderByServerRelativeUrl('{url}')/Folders | /Files   ('' doubles ')
  GET {site}/_api/web/GetFolderByServerRelativePath(decodedurl='{url}')/Folders | /Files  (% and #)
  GET {site}/_api/web/GetFileByServerRelativeUrl('{url}')/$value  (and ...Path(decodedurl=...))
  GET {site}/_api/search/query?querytext='...'&selectproperties='Title,Path,Size,LastModifiedTime'&rowlimit=50&startrow=0

Shapes follow "Accept: application/json;odata=nometadata" ({"value": [...]}, "odata.nextLink",
errors as {"odata.error": ...}) or ";odata=verbose" ({"d": {"results": [...]}}, "__metadata",
"__deferred", "d.__next", errors as {"error": ...}); Length arrives as a string, as in
SharePoint. Folders and files are paged as SharePoint pages list data: $top (default 100),
$orderby (Name, TimeLastModified, Length; asc/desc), and a keyset $skiptoken
"Paged=TRUE[&p_SortBehavior=0&p_<SortField>=<value of the last row>]&p_ID=<ID of the last row>"
in the next link, so a page is found by the last row's key, not by an offset. Every entry has a
list item ID (stable per folder). Search pages with startrow/rowlimit (rowlimit at most 500) and
reports TotalRows. File downloads ($value) honour "Range: bytes=a-b" (206 + Content-Range) and
If-Range (ETag) as SharePoint does, and send application/octet-stream. A hidden "Forms" folder
exists in every library, as in SharePoint. Auth: "Authorization: Bearer <token>" (SharePoint
Online) with the token given on the command line; 401 without a token (a bare Bearer
challenge); 401 for a wrong one with the x-ms-diagnostics header and error_description body
SharePoint Online sends, and error="invalid_token" in the challenge as RFC 6750 asks; 403 for any path with a segment starting with
"Vertraulich".

Usage: sharepoint_emulator.py --root DIR --port N --token T [--cert PEM --key PEM]
The site is /sites/team; its one document library is "Shared Documents" (= DIR).
"""
import argparse
import json
import os
import re
import time
import ssl
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SITE = "/sites/team"
LIB = SITE + "/Shared Documents"
ARGS = None


def sp_quote_unescape(s):
    return s.replace("''", "'")


def to_fs(server_relative):
    if server_relative != LIB and not server_relative.startswith(LIB + "/"):
        return None
    rel = server_relative[len(LIB):].lstrip("/")
    if rel.split("/")[0] == "Forms":
        return "FORMS"
    path = os.path.normpath(os.path.join(ARGS.root, rel))
    if not (path == ARGS.root or path.startswith(ARGS.root + os.sep)):
        return None
    return path


# $orderby fields: the token's p_<field> name (as SharePoint names the column) and the sort value.
SORT_FIELDS = {
    "Name": ("FileLeafRef", lambda item: item["Name"].lower()),
    "TimeLastModified": ("Modified", lambda item: item.get("TimeLastModified", "")),
    "Length": ("File_x0020_Size", lambda item: int(item.get("Length", "0"))),
}


def restricted(server_relative):
    return any(seg.startswith("Vertraulich") for seg in server_relative.split("/"))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def verbose(self):
        return "odata=verbose" in self.headers.get("Accept", "")

    def send_json(self, status, body):
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        ctype = "application/json;odata=verbose;charset=utf-8" if self.verbose() else "application/json;odata=nometadata;charset=utf-8"
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, code, message):
        if self.verbose():
            body = {"error": {"code": code, "message": {"lang": "en-US", "value": message}}}
        else:
            body = {"odata.error": {"code": code, "message": {"lang": "en-US", "value": message}}}
        self.send_json(status, body)

    def meta(self, kind, url):
        return {"__metadata": {"id": url, "uri": url, "type": kind}} if self.verbose() else {}

    def folder_json(self, server_relative, name, count, mtime=0):
        base = f"https://localhost{SITE}/_api/Web/GetFolderByServerRelativePath(decodedurl='{server_relative}')"
        item = {"Name": name, "ServerRelativeUrl": server_relative, "ItemCount": count, "Exists": True,
                "TimeLastModified": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(mtime))}
        if self.verbose():
            item.update(self.meta("SP.Folder", base))
            item["Files"] = {"__deferred": {"uri": base + "/Files"}}
            item["Folders"] = {"__deferred": {"uri": base + "/Folders"}}
        return item

    def file_json(self, server_relative, name, st):
        base = f"https://localhost{SITE}/_api/Web/GetFileByServerRelativePath(decodedurl='{server_relative}')"
        item = {
            "Name": name,
            "ServerRelativeUrl": server_relative,
            "Length": str(st.st_size),
            "TimeLastModified": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(st.st_mtime)),
        }
        item.update(self.meta("SP.File", base))
        return item

    def page(self, rows, query):
        """rows: (list item ID, JSON). Keyset paging as SharePoint does it: the next link's
        $skiptoken names the last row's sort value and ID, and the next page starts after it."""
        try:
            top = max(1, min(int(query.get("$top", ["100"])[0]), 5000))
        except ValueError:
            return self.error(400, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", "Invalid $top.")
        field, _, direction = query.get("$orderby", ["ID"])[0].strip().partition(" ")
        desc = direction.strip().lower() == "desc"
        if field in SORT_FIELDS:
            column, value_of = SORT_FIELDS[field]
        elif field == "ID":
            column, value_of = None, None
        else:
            return self.error(400, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException",
                              f"The field or property '{field}' does not exist.")

        def key(row):
            return (value_of(row[1]), row[0]) if value_of else (row[0],)

        rows = sorted(rows, key=key, reverse=desc)
        start = 0
        token = query.get("$skiptoken", [""])[0]
        if token:
            t = urllib.parse.parse_qs(token, keep_blank_values=True)
            try:
                last = (int(t["p_ID"][0]),)
                if column:
                    raw = t["p_" + column][0]
                    last = ((int(raw) if field == "Length" else raw.lower() if field == "Name" else raw),) + last
            except (KeyError, ValueError):
                return self.error(400, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", "Invalid $skiptoken.")
            start = next((i for i, r in enumerate(rows) if (key(r) < last if desc else key(r) > last)), len(rows))
        chunk = rows[start:start + top]
        nxt = None
        if start + top < len(rows):
            last_id, last_item = chunk[-1]
            tok = [("Paged", "TRUE")]
            if column:
                raw = last_item.get(field, "")
                tok += [("p_SortBehavior", "0"), ("p_" + column, str(raw))]
            tok.append(("p_ID", str(last_id)))
            q = dict((k, v[0]) for k, v in query.items())
            q["$skiptoken"] = urllib.parse.urlencode(tok, quote_via=urllib.parse.quote)
            q["$top"] = str(top)
            nxt = f"https://{self.headers.get('Host')}{urllib.parse.urlsplit(self.path).path}?" + urllib.parse.urlencode(q, quote_via=urllib.parse.quote)
        items = [item for _, item in chunk]
        if self.verbose():
            body = {"d": {"results": items}}
            if nxt:
                body["d"]["__next"] = nxt
        else:
            body = {"value": items}
            if nxt:
                body["odata.nextLink"] = nxt
        self.send_json(200, body)

    def unauthorized(self, presented):
        challenge = ('Bearer realm="00000000-0000-0000-0000-000000000001",client_id="00000003-0000-0ff1-ce00-000000000000",'
                     'trusted_issuers="00000001-0000-0000-c000-000000000000@*",authorization_uri="https://login.windows.net/common/oauth2/authorize"')
        body = b""
        self.send_response(401)
        if presented:
            challenge += ',error="invalid_token"'
            self.send_header("x-ms-diagnostics", '3000006;reason="Token contains invalid signature.";category="invalid_client"')
            body = json.dumps({"error_description": "Invalid issuer or signature."}).encode()
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("WWW-Authenticate", challenge)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_file(self, fs):
        st = os.stat(fs)
        size = st.st_size
        etag = f'"{{{st.st_ino:08X}-0000-0000-0000-000000000000}},{int(st.st_mtime)}"'
        first, last, status = 0, size - 1, 200
        rng = self.headers.get("Range")
        if_range = self.headers.get("If-Range")
        if rng and (if_range is None or if_range == etag):
            m = re.fullmatch(r"bytes=(\d+)-(\d*)", rng.strip())
            if m:
                first = int(m.group(1))
                last = min(int(m.group(2)), size - 1) if m.group(2) else size - 1
                if first >= size or last < first:
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{size}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status = 206
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("ETag", etag)
        self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        self.send_header("Content-Length", str(last - first + 1 if size else 0))
        self.end_headers()
        with open(fs, "rb") as fh:
            fh.seek(first)
            left = last - first + 1 if size else 0
            while left > 0:
                data = fh.read(min(left, 1 << 20))
                if not data:
                    break
                self.wfile.write(data)
                left -= len(data)

    def do_GET(self):
        auth = self.headers.get("Authorization", "")
        if auth != f"Bearer {ARGS.token}":
            return self.unauthorized(auth.startswith("Bearer ") and len(auth) > len("Bearer "))
        parts = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(parts.path)
        query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        if not path.startswith(SITE + "/_api/"):
            return self.error(404, "-1, Microsoft.SharePoint.Client.ResourceNotFoundException", "Cannot find resource for the request.")
        api = path[len(SITE) + len("/_api/"):]
        if api.lower() == "web/lists":
            lib = {"Title": "Shared Documents", "BaseTemplate": 101, "Hidden": False,
                   "RootFolder": self.folder_json(LIB, "Shared Documents", 0)}
            lib.update(self.meta("SP.List", "lists"))
            return self.send_json(200, {"d": {"results": [lib]}} if self.verbose() else {"value": [lib]})
        if api.lower() == "search/query":
            text = sp_quote_unescape(query.get("querytext", ["''"])[0].strip("'")).lower()
            rows = []
            for dirpath, _, files in os.walk(ARGS.root):
                for f in sorted(files):
                    if text and text in f.lower():
                        full = os.path.join(dirpath, f)
                        rel = os.path.relpath(full, ARGS.root).replace(os.sep, "/")
                        st = os.stat(full)
                        cells = [
                            {"Key": "Rank", "Value": "16.0", "ValueType": "Edm.Double"},
                            {"Key": "Title", "Value": os.path.splitext(f)[0], "ValueType": "Edm.String"},
                            {"Key": "Path", "Value": "https://localhost" + urllib.parse.quote(f"{LIB}/{rel}"), "ValueType": "Edm.String"},
                            {"Key": "Size", "Value": str(st.st_size), "ValueType": "Edm.Int64"},
                            {"Key": "LastModifiedTime", "Value": time.strftime("%Y-%m-%dT%H:%M:%S.0000000Z", time.gmtime(st.st_mtime)), "ValueType": "Edm.DateTime"},
                            {"Key": "FileExtension", "Value": os.path.splitext(f)[1].lstrip("."), "ValueType": "Edm.String"},
                        ]
                        rows.append(cells)
            try:
                start = max(0, int(query.get("startrow", ["0"])[0]))
                # SharePoint caps rowlimit at 500 per request.
                limit = max(0, min(int(query.get("rowlimit", ["10"])[0]), 500))
            except ValueError:
                return self.error(400, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", "Invalid startrow or rowlimit.")
            page = rows[start:start + limit]
            totals = {"TotalRows": len(rows), "TotalRowsIncludingDuplicates": len(rows), "RowCount": len(page)}
            if self.verbose():
                table = {"Rows": {"results": [{"Cells": {"results": c}} for c in page]}}
                return self.send_json(200, {"d": {"query": {"PrimaryQueryResult": {"RelevantResults": dict(totals, Table=table)}}}})
            table = {"Rows": [{"Cells": c} for c in page]}
            return self.send_json(200, {"PrimaryQueryResult": {"RelevantResults": dict(totals, Table=table)}})
        for prefix, by_path in (("web/GetFolderByServerRelativeUrl('", False), ("web/GetFolderByServerRelativePath(decodedurl='", True),
                                ("web/GetFileByServerRelativeUrl('", False), ("web/GetFileByServerRelativePath(decodedurl='", True)):
            if api.startswith(prefix):
                rest = api[len(prefix):]
                # An OData string literal: '' is a quote, ' followed by ) ends it.
                chars, i, end = [], 0, -1
                while i < len(rest):
                    if rest[i] == "'" and rest[i + 1:i + 2] == "'":
                        chars.append("'")
                        i += 2
                    elif rest[i] == "'" and rest[i + 1:i + 2] == ")":
                        end = i
                        break
                    else:
                        chars.append(rest[i])
                        i += 1
                if end == -1:
                    return self.error(400, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", "Bad path expression.")
                url = "".join(chars)
                tail = rest[end + 2:]
                if restricted(url):
                    return self.error(403, "-2147024891, System.UnauthorizedAccessException", "Access denied. You do not have permission to perform this action or access this resource.")
                fs = to_fs(url)
                if "GetFile" in prefix:
                    if fs is None or fs == "FORMS" or not os.path.isfile(fs) or tail != "/$value":
                        return self.error(404, "-2147024894, System.IO.FileNotFoundException", "File Not Found.")
                    return self.send_file(fs)
                if fs is None or (fs != "FORMS" and not os.path.isdir(fs)):
                    return self.error(404, "-2147024894, System.IO.FileNotFoundException", "File Not Found.")
                # The list item IDs: stable while the folder does not change (Forms is ID 1).
                entries = [] if fs == "FORMS" else [(i + 2, e) for i, e in enumerate(sorted(os.listdir(fs)))]
                path_of = tail.split("?")[0]
                if path_of == "/Folders":
                    items = []
                    if url == LIB:
                        items.append((1, self.folder_json(LIB + "/Forms", "Forms", 0)))
                    for n, e in entries:
                        full = os.path.join(fs, e)
                        if os.path.isdir(full):
                            items.append((n, self.folder_json(f"{url}/{e}", e, len(os.listdir(full)), os.stat(full).st_mtime)))
                    return self.page(items, query)
                if path_of == "/Files":
                    items = [(n, self.file_json(f"{url}/{e}", e, os.stat(os.path.join(fs, e)))) for n, e in entries if os.path.isfile(os.path.join(fs, e))]
                    return self.page(items, query)
                if path_of == "":
                    folder = self.folder_json(url, url.rsplit("/", 1)[-1], len(entries), 0 if fs == "FORMS" else os.stat(fs).st_mtime)
                    return self.send_json(200, {"d": folder} if self.verbose() else folder)
                return self.error(400, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", "Unsupported segment.")
        return self.error(404, "-1, Microsoft.SharePoint.Client.ResourceNotFoundException", "Cannot find resource for the request.")


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    ARGS = p.parse_args()
    ARGS.root = os.path.abspath(ARGS.root)
    server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    if ARGS.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.cert, ARGS.key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    print(f"SharePoint REST emulator on {ARGS.port}, root {ARGS.root}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
