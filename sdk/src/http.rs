//! HTTPS to the origins the tenant granted. The host adds credentials where the tenant says
//! so; redirects are followed by the host and re-checked.

use serde::de::DeserializeOwned;

use crate::AppError;
use crate::bindings::kapsel::app::http as wit;

pub use wit::{HttpError, Method};

impl From<HttpError> for AppError {
    fn from(e: HttpError) -> AppError {
        match e {
            HttpError::Denied(m) => AppError::Denied(m),
            HttpError::InvalidUrl(m) => AppError::InvalidInput(m),
            HttpError::Timeout(m) => AppError::Failed(format!("timed out: {m}")),
            HttpError::TooLarge(n) => {
                AppError::Failed(format!("the response is larger than {n} bytes"))
            }
            HttpError::Tls(m) => AppError::Failed(format!("TLS: {m}")),
            HttpError::Connect(m) => AppError::Failed(format!("cannot connect: {m}")),
            HttpError::Protocol(m) => AppError::Failed(format!("HTTP: {m}")),
        }
    }
}

/// A request under construction.
pub struct Request {
    inner: wit::Request,
}

impl Request {
    pub fn new(method: Method, url: impl Into<String>) -> Request {
        Request {
            inner: wit::Request {
                method,
                url: url.into(),
                headers: Vec::new(),
                body: None,
            },
        }
    }
    pub fn get(url: impl Into<String>) -> Request {
        Request::new(Method::Get, url)
    }
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Request {
        self.inner.headers.push((name.into(), value.into()));
        self
    }
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Request {
        self.inner.body = Some(body.into());
        self
    }
    pub fn json<T: serde::Serialize>(self, value: &T) -> Result<Request, AppError> {
        let body = serde_json::to_vec(value).map_err(|e| AppError::InvalidInput(e.to_string()))?;
        Ok(self.header("Content-Type", "application/json").body(body))
    }
    pub fn send(self) -> Result<Response, HttpError> {
        wit::send(&self.inner).map(|inner| Response { inner })
    }
}

pub struct Response {
    inner: wit::Response,
}

impl Response {
    pub fn status(&self) -> u16 {
        self.inner.status
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.inner
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn headers(&self) -> &[(String, String)] {
        &self.inner.headers
    }
    pub fn body(&self) -> &[u8] {
        &self.inner.body
    }
    pub fn into_body(self) -> Vec<u8> {
        self.inner.body
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.inner.body).into_owned()
    }
    pub fn final_url(&self) -> &str {
        &self.inner.final_url
    }
    /// Parse a JSON body; a non-2xx status is an error.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, AppError> {
        if !(200..300).contains(&self.inner.status) {
            return Err(AppError::Failed(format!(
                "HTTP status {}",
                self.inner.status
            )));
        }
        serde_json::from_slice(&self.inner.body)
            .map_err(|e| AppError::Failed(format!("bad JSON: {e}")))
    }
}

/// GET a URL.
pub fn get(url: &str) -> Result<Response, HttpError> {
    Request::get(url).send()
}
