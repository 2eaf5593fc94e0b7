//! Document calls: read the handed-over document, save new ones, ask the shell to open one.

use std::sync::Arc;

use wasmtime::component::Resource;

use crate::state::HostState;
use crate::wit::latest::kapsel::app::documents::{Document, Host, HostWriter};
use kapsel_core::documents::{self, DocumentInfo, PieceWriter};
use kapsel_i18n::{current as cat, t};

/// What the current call did with documents. Saved documents are staged (their blobs
/// written) and become part of the container only when the call returns normally; a call
/// that traps or runs out of time leaves none behind.
#[derive(Debug, Default)]
pub struct CallState {
    pub saved: Vec<DocumentInfo>,
    pub open_requests: Vec<String>,
    /// Bytes in this call's unfinished writers: not yet in the namespace's usage, but
    /// counted against the quota all the same.
    writing: u64,
    /// Writers created in this call (each holds an open file).
    writers: u32,
}

/// A document an app is writing piece by piece (`documents.writer`), kept in the call's
/// resource table. `None` once finished.
pub struct Writer {
    inner: Option<PieceWriter>,
}

const MAX_READ: u32 = 8 * 1024 * 1024;
const MAX_SAVE: usize = 32 * 1024 * 1024;
/// Writers one call may create.
const MAX_WRITERS: u32 = 8;
/// Largest piece appended at once.
const MAX_PIECE: usize = 8 * 1024 * 1024;

fn to_wit(d: &documents::DocumentInfo) -> Document {
    Document {
        id: d.id.clone(),
        name: d.name.clone(),
        media_type: d.media_type.clone(),
        size: d.size,
    }
}

impl HostState {
    fn documents_granted(&mut self) -> Result<(), String> {
        if self.grants.caps.documents.is_some() {
            Ok(())
        } else {
            Err(self.deny(
                "documents",
                t!(
                    cat(),
                    "host-deny-documents",
                    app = self.grants.app_id.as_str()
                ),
            ))
        }
    }
}

impl HostState {
    /// `Ok` if `more` bytes still fit the app's documents quota.
    fn documents_room(&mut self, more: u64) -> Result<(), String> {
        let quota = self.grants.caps.documents.as_ref().map_or(0, |g| g.quota);
        let blob_ns = super::blob_ns(&self.grants.app_id);
        // The namespace's usage already counts this call's staged blobs.
        let used = self
            .services
            .vault()
            .usage(&blob_ns)
            .map_err(|e| e.to_string())?;
        let after = used
            .saturating_add(self.effects.documents.writing)
            .saturating_add(more);
        if after > quota {
            return Err(self.deny(
                "documents",
                t!(
                    cat(),
                    "host-documents-quota",
                    quota = quota.to_string(),
                    app = self.grants.app_id.as_str()
                ),
            ));
        }
        Ok(())
    }
}

impl HostWriter for HostState {
    fn create(
        &mut self,
        name: String,
        media_type: String,
    ) -> wasmtime::Result<Result<Resource<Writer>, String>> {
        if let Err(e) = self.documents_granted() {
            return Ok(Err(e));
        }
        if self.effects.documents.writers >= MAX_WRITERS {
            return Ok(Err(t!(
                cat(),
                "host-writers-limit",
                max = MAX_WRITERS.to_string()
            )));
        }
        let blob_ns = super::blob_ns(&self.grants.app_id);
        let begun = {
            let vault = self.services.vault();
            PieceWriter::begin(&vault, &blob_ns, &name, &media_type)
        };
        match begun {
            Ok(w) => {
                self.effects.documents.writers += 1;
                Ok(Ok(self.table.push(Writer { inner: Some(w) })?))
            }
            Err(e) => Ok(Err(e.to_string())),
        }
    }

    fn append(
        &mut self,
        writer: Resource<Writer>,
        data: Vec<u8>,
    ) -> wasmtime::Result<Result<u64, String>> {
        if let Err(e) = self.documents_granted() {
            return Ok(Err(e));
        }
        if data.len() > MAX_PIECE {
            return Ok(Err(t!(
                cat(),
                "host-piece-limit",
                max = MAX_PIECE.to_string()
            )));
        }
        if let Err(e) = self.documents_room(data.len() as u64) {
            return Ok(Err(e));
        }
        let services = Arc::clone(&self.services);
        let Some(inner) = self.table.get_mut(&writer)?.inner.as_mut() else {
            return Ok(Err(t!(cat(), "host-writer-finished")));
        };
        let appended = {
            let vault = services.vault();
            inner.append(&vault, &data)
        };
        match appended {
            Ok(size) => {
                self.effects.documents.writing += data.len() as u64;
                Ok(Ok(size))
            }
            Err(e) => Ok(Err(e.to_string())),
        }
    }

    fn finish(&mut self, writer: Resource<Writer>) -> wasmtime::Result<Result<Document, String>> {
        if let Err(e) = self.documents_granted() {
            return Ok(Err(e));
        }
        let Some(inner) = self.table.get_mut(&writer)?.inner.take() else {
            return Ok(Err(t!(cat(), "host-writer-finished")));
        };
        let size = inner.size();
        let parent = self.document.as_ref().map(|d| d.id.clone());
        let source = format!("app:{}", self.grants.app_id);
        let finished = {
            let vault = self.services.vault();
            inner.finish(&vault, &source, parent.as_deref())
        };
        // Finished or failed, its bytes leave the unfinished count: a finished blob is in
        // the namespace's usage now, a failed one was removed.
        self.effects.documents.writing = self.effects.documents.writing.saturating_sub(size);
        match finished {
            Ok(info) => {
                let wit = to_wit(&info);
                self.effects.documents.saved.push(info);
                Ok(Ok(wit))
            }
            Err(e) => Ok(Err(e.to_string())),
        }
    }

    fn drop(&mut self, writer: Resource<Writer>) -> wasmtime::Result<()> {
        // An unfinished writer's partial blob is removed when its `PieceWriter` drops.
        if let Some(inner) = self.table.delete(writer)?.inner {
            self.effects.documents.writing =
                self.effects.documents.writing.saturating_sub(inner.size());
        }
        Ok(())
    }
}

impl Host for HostState {
    fn current(&mut self) -> wasmtime::Result<Option<Document>> {
        if self.documents_granted().is_err() {
            return Ok(None);
        }
        Ok(self.document.as_ref().map(to_wit))
    }

    fn read(&mut self, offset: u64, length: u32) -> wasmtime::Result<Result<Vec<u8>, String>> {
        if let Err(e) = self.documents_granted() {
            return Ok(Err(e));
        }
        let Some(doc) = self.document.clone() else {
            return Ok(Err(t!(cat(), "host-no-document-handed")));
        };
        if length > MAX_READ {
            return Ok(Err(t!(
                cat(),
                "host-read-limit",
                max = MAX_READ.to_string()
            )));
        }
        if offset >= doc.size {
            return Ok(Ok(Vec::new()));
        }
        let read = {
            let vault = self.services.vault();
            documents::read_range(&vault, &doc, offset, length as usize)
        };
        Ok(read.map_err(|e| self.vault_failure(e)))
    }

    fn save(
        &mut self,
        name: String,
        media_type: String,
        data: Vec<u8>,
    ) -> wasmtime::Result<Result<Document, String>> {
        if let Err(e) = self.documents_granted() {
            return Ok(Err(e));
        }
        if data.len() > MAX_SAVE {
            return Ok(Err(t!(
                cat(),
                "host-save-limit",
                max = MAX_SAVE.to_string()
            )));
        }
        if let Err(e) = self.documents_room(data.len() as u64) {
            return Ok(Err(e));
        }
        let blob_ns = super::blob_ns(&self.grants.app_id);
        let parent = self.document.as_ref().map(|d| d.id.clone());
        let source = format!("app:{}", self.grants.app_id);
        let staged = {
            let vault = self.services.vault();
            documents::stage(
                &vault,
                &blob_ns,
                &name,
                &media_type,
                &source,
                parent.as_deref(),
                data.as_slice(),
            )
        };
        match staged {
            Ok(info) => {
                let wit = to_wit(&info);
                self.effects.documents.saved.push(info);
                Ok(Ok(wit))
            }
            Err(e) => Ok(Err(e.to_string())),
        }
    }

    fn open(&mut self, id: String) -> wasmtime::Result<Result<(), String>> {
        if let Err(e) = self.documents_granted() {
            return Ok(Err(e));
        }
        let known = self.effects.documents.saved.iter().any(|d| d.id == id)
            || self.document.as_ref().is_some_and(|d| d.id == id);
        let exists = known || {
            let vault = self.services.vault();
            matches!(documents::get(&vault, &id), Ok(Some(_)))
        };
        if !exists {
            return Ok(Err(t!(cat(), "host-no-such-document", id = id.as_str())));
        }
        if self.effects.documents.open_requests.len() < 4 {
            self.effects.documents.open_requests.push(id);
        }
        Ok(Ok(()))
    }
}
