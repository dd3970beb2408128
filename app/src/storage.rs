//! Where attached files' bytes are kept: a folder in the data folder by default, or any
//! S3-compatible object store (`QUORUM_STORAGE_URL=s3://bucket/prefix`), so that several
//! servers share them. Both go through `object_store`, so both take the same code path in
//! Quorum and the same tests.

use std::path::Path;
use std::sync::Arc;

use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use object_store::{ObjectStore, PutPayload};

/// Settings of an S3-compatible store, from the command line or the environment.
#[derive(Debug, Clone, Default)]
pub struct S3Settings {
    /// `http(s)://host:port` of a store other than Amazon's, such as MinIO or Garage.
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

#[derive(Clone)]
pub struct FileStorage {
    store: Arc<dyn ObjectStore>,
    prefix: String,
    /// Where the files are, in words, for the log and the operator: never a secret.
    pub described: String,
}

impl std::fmt::Debug for FileStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.described)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("the file storage could not be used: {0}")]
    Store(#[from] object_store::Error),
    #[error("{0}")]
    Settings(String),
}

impl FileStorage {
    /// The folder `dir`, made when missing.
    pub fn folder(dir: &Path) -> Result<Self, StorageError> {
        std::fs::create_dir_all(dir).map_err(|e| {
            StorageError::Settings(format!(
                "the files folder {} cannot be made: {e}",
                dir.display()
            ))
        })?;
        let store = LocalFileSystem::new_with_prefix(dir)?;
        Ok(Self {
            store: Arc::new(store),
            prefix: String::new(),
            described: format!("the folder {}", dir.display()),
        })
    }

    /// The store a `QUORUM_STORAGE_URL` names: `s3://bucket` or `s3://bucket/prefix`.
    pub fn from_url(url: &str, s3: &S3Settings) -> Result<Self, StorageError> {
        let Some(rest) = url.strip_prefix("s3://") else {
            return Err(StorageError::Settings(format!(
                "QUORUM_STORAGE_URL must start with s3:// (such as s3://my-bucket/quorum), not {url}"
            )));
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(StorageError::Settings(
                "QUORUM_STORAGE_URL names no bucket: write it as s3://bucket/prefix".into(),
            ));
        }
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_region(s3.region.as_deref().unwrap_or("us-east-1"));
        if let Some(endpoint) = &s3.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        if let Some(key) = &s3.access_key_id {
            builder = builder.with_access_key_id(key);
        }
        if let Some(secret) = &s3.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        let store = builder.build()?;
        let prefix = prefix.trim_matches('/');
        Ok(Self {
            store: Arc::new(store),
            prefix: if prefix.is_empty() {
                String::new()
            } else {
                format!("{prefix}/")
            },
            described: format!(
                "the bucket {bucket}{}{}",
                if prefix.is_empty() { "" } else { " under " },
                prefix
            ),
        })
    }

    fn key(&self, name: &str) -> Key {
        Key::from(format!("{}{name}", self.prefix))
    }

    pub async fn put(&self, name: &str, bytes: Vec<u8>) -> Result<(), StorageError> {
        self.store
            .put(&self.key(name), PutPayload::from(bytes))
            .await?;
        Ok(())
    }

    /// The bytes kept under `name`, or `None` when there are none.
    pub async fn get(&self, name: &str) -> Result<Option<Vec<u8>>, StorageError> {
        match self.store.get(&self.key(name)).await {
            Ok(found) => Ok(Some(found.bytes().await?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes what is kept under `name`; nothing there is no error.
    pub async fn delete(&self, name: &str) -> Result<(), StorageError> {
        match self.store.delete(&self.key(name)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
