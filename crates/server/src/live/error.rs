//! The one error type of the HTTP handlers: internals are logged once, clients get a plain
//! message.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::live::throttle::Busy;
use crate::store::StoreError;

/// One error type for handlers: internals are logged once, clients get a plain message.
#[derive(Debug)]
pub enum AppError {
    /// Bad credentials.
    Unauthorized,
    /// No session token, or one that has ended.
    NoSession,
    /// Not here.
    NotFound,
    /// The request cannot be used; the reason is for the client.
    BadRequest(String),
    /// Too many at once, or too many failures: try again later.
    Busy(Busy),
    /// Storage or another internal failure.
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        AppError::Internal(e.to_string())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            AppError::Unauthorized => (StatusCode::UNAUTHORIZED, "wrong name or password"),
            AppError::NoSession => (
                StatusCode::UNAUTHORIZED,
                "no session, or it has ended: sign in again",
            ),
            AppError::NotFound => (StatusCode::NOT_FOUND, "not found"),
            AppError::BadRequest(reason) => {
                return (StatusCode::BAD_REQUEST, Json(json!({ "error": reason }))).into_response();
            }
            AppError::Busy(busy) => {
                let (after, message) = match busy {
                    Busy::Hashing => (1, "too many logins at once; try again in a moment"),
                    Busy::Paused(_) => (60, "too many failed logins for this name; try later"),
                    Busy::Address => (10, "too many requests from this address; try again later"),
                };
                let headers = [(header::RETRY_AFTER, after.to_string())];
                let body = Json(json!({ "error": message }));
                return (StatusCode::TOO_MANY_REQUESTS, headers, body).into_response();
            }
            AppError::Internal(detail) => {
                tracing::error!(error = %detail, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the server had a problem; please retry",
                )
            }
        };
        (status, Json(json!({ "error": message }))).into_response()
    }
}
