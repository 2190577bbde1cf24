//! TLS to PostgreSQL with rustls, verified: the URL's `sslmode` decides whether TLS is tried
//! (`prefer`, the default), required (`require`) or not used (`disable`); when it is used, the
//! server's certificate must verify and name the host, against the platform's roots or, when
//! `PGSSLROOTCERT` names a PEM file (libpq's variable), against that file's CAs only. There is
//! no "encrypt but trust anything": workers on other machines send the batch's state and the
//! database password over this connection.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use doku_checkout::Error;
use rustls::pki_types::ServerName;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect, TlsStream};

/// The largest CA file read.
const MAX_CA_FILE: u64 = 1024 * 1024;

/// Makes a verified TLS connection per PostgreSQL connection.
#[derive(Clone)]
pub(crate) struct MakeRustls {
    config: Arc<rustls::ClientConfig>,
}

impl MakeRustls {
    /// The platform's roots, or `PGSSLROOTCERT`'s CAs.
    pub(crate) fn new() -> Result<Self, Error> {
        let failed = |e: rustls::Error| Error::config(format!("cannot set up TLS for the PostgreSQL store: {e}"));
        let provider = rustls::crypto::CryptoProvider::get_default()
            .cloned()
            .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
        let builder = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .map_err(failed)?;
        let config = match std::env::var_os("PGSSLROOTCERT").filter(|p| !p.is_empty()) {
            Some(path) => {
                builder.with_root_certificates(roots_from(std::path::Path::new(&path))?).with_no_client_auth()
            }
            None => {
                let verifier = rustls_platform_verifier::Verifier::new(provider).map_err(failed)?;
                builder.dangerous().with_custom_certificate_verifier(Arc::new(verifier)).with_no_client_auth()
            }
        };
        Ok(Self { config: Arc::new(config) })
    }
}

/// The CAs of a PEM file.
fn roots_from(path: &std::path::Path) -> Result<rustls::RootCertStore, Error> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let refused = |what: String| Error::config(format!("PGSSLROOTCERT {}: {what}", path.display()));
    let size = std::fs::metadata(path).map_err(|e| refused(e.to_string()))?.len();
    if size > MAX_CA_FILE {
        return Err(refused(format!("larger than {MAX_CA_FILE} bytes: is it a PEM file of CA certificates?")));
    }
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(path).map_err(|e| refused(e.to_string()))? {
        roots.add(cert.map_err(|e| refused(e.to_string()))?).map_err(|e| refused(e.to_string()))?;
    }
    if roots.is_empty() {
        return Err(refused("holds no certificate".to_owned()));
    }
    Ok(roots)
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send + 'static> MakeTlsConnect<S> for MakeRustls {
    type Stream = RustlsStream<S>;
    type TlsConnect = RustlsConnect;
    type Error = io::Error;

    fn make_tls_connect(&mut self, domain: &str) -> Result<RustlsConnect, io::Error> {
        let name = ServerName::try_from(domain.to_owned()).map_err(|_| {
            io::Error::new(io::ErrorKind::InvalidInput, format!("{domain:?} is not a host name TLS can verify"))
        })?;
        Ok(RustlsConnect { connector: tokio_rustls::TlsConnector::from(Arc::clone(&self.config)), name })
    }
}

/// One connection's handshake.
pub(crate) struct RustlsConnect {
    connector: tokio_rustls::TlsConnector,
    name: ServerName<'static>,
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send + 'static> TlsConnect<S> for RustlsConnect {
    type Stream = RustlsStream<S>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<RustlsStream<S>>> + Send>>;

    fn connect(self, stream: S) -> Self::Future {
        Box::pin(async move { Ok(RustlsStream(self.connector.connect(self.name, stream).await?)) })
    }
}

/// A verified TLS stream to the server.
pub(crate) struct RustlsStream<S>(tokio_rustls::client::TlsStream<S>);

impl<S: AsyncRead + AsyncWrite + Unpin> TlsStream for RustlsStream<S> {
    /// `tls-server-end-point` (RFC 5929): SCRAM then proves the server holds the certificate's
    /// key, so a man in the middle cannot relay the password exchange.
    fn channel_binding(&self) -> ChannelBinding {
        match self.0.get_ref().1.peer_certificates().and_then(|c| c.first()) {
            Some(cert) => ChannelBinding::tls_server_end_point(Sha256::digest(cert.as_ref()).to_vec()),
            None => ChannelBinding::none(),
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for RustlsStream<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for RustlsStream<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}
