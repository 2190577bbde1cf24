//! One C entry point for the JVM's hottest call, signing: JNA's direct mapping passes Java byte
//! arrays to it without the reflective by-value structures and the three crossings of a uniffi
//! call (allocate the argument buffer, call, free the result). The Kotlin side (`DirectSigning.kt`)
//! packs the request into one array; what is signed and how is the core's, as everywhere.
//!
//! Refusals come back as a negative number only: the Kotlin side then makes the same call
//! through uniffi, which raises the typed `DokuException` with the field and message.

use doku_checkout::{SecretKey, SigningInput};

/// Some input was refused (the typed path says why).
const REFUSED: i32 = -1;
/// `out` is too small for the signature.
const OUT_TOO_SMALL: i32 = -2;
/// A bug: the core panicked. Never expected; reported rather than unwinding into the JVM.
const PANICKED: i32 = -3;

/// Reads `[len: i32 BE][bytes]`; a length of -1 is "absent" (the GET body).
fn field<'a>(packed: &mut &'a [u8]) -> Option<Option<&'a [u8]>> {
    let (len, rest) = packed.split_first_chunk::<4>()?;
    let len = i32::from_be_bytes(*len);
    if len == -1 {
        *packed = rest;
        return Some(None);
    }
    let len = usize::try_from(len).ok()?;
    let (bytes, rest) = rest.split_at_checked(len)?;
    *packed = rest;
    Some(Some(bytes))
}

fn text<'a>(packed: &mut &'a [u8]) -> Option<&'a str> {
    std::str::from_utf8(field(packed)??).ok()
}

/// The `Signature` header value for the packed request, or `None` when anything is refused.
fn sign_packed(key: &[u8], mut packed: &[u8]) -> Option<String> {
    let secret = SecretKey::new(std::str::from_utf8(key).ok()?).ok()?;
    let (client_id, request_id, timestamp, target) =
        (text(&mut packed)?, text(&mut packed)?, text(&mut packed)?, text(&mut packed)?);
    let body = field(&mut packed)?;
    if !packed.is_empty() {
        return None;
    }
    Some(SigningInput::new(client_id, request_id, timestamp, target, body).ok()?.sign(&secret))
}

/// Writes the `Signature` header value (ASCII) for the packed request into `out` and returns
/// its length, or a negative number: -1 refused input, -2 `out` too small, -3 a panic.
///
/// `packed` is client id, request id, timestamp and request target, each as a big-endian i32
/// length and UTF-8 bytes, then the body as a length (-1: no body) and bytes.
///
/// # Safety
/// Each pointer must be valid for its length (JNA passes Java arrays with their lengths),
/// lengths must not be negative, and `out` must not overlap the inputs.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn doku_checkout_sign_packed(
    key: *const u8,
    key_len: i32,
    packed: *const u8,
    packed_len: i32,
    out: *mut u8,
    out_cap: i32,
) -> i32 {
    let (Ok(key_len), Ok(packed_len), Ok(out_cap)) =
        (usize::try_from(key_len), usize::try_from(packed_len), usize::try_from(out_cap))
    else {
        return REFUSED;
    };
    if key.is_null() || packed.is_null() || out.is_null() {
        return REFUSED;
    }
    // SAFETY: the caller guarantees each pointer is valid for its (non-negative) length.
    let (key, packed) =
        unsafe { (std::slice::from_raw_parts(key, key_len), std::slice::from_raw_parts(packed, packed_len)) };
    let signature = match std::panic::catch_unwind(|| sign_packed(key, packed)) {
        Ok(Some(s)) => s,
        Ok(None) => return REFUSED,
        Err(_) => return PANICKED,
    };
    if signature.len() > out_cap {
        return OUT_TOO_SMALL;
    }
    // SAFETY: `out` is valid for `out_cap` bytes and does not overlap the inputs (caller's
    // contract); the signature fits, checked above.
    unsafe { std::ptr::copy_nonoverlapping(signature.as_ptr(), out, signature.len()) };
    // At most `out_cap`, itself an i32.
    i32::try_from(signature.len()).unwrap_or(OUT_TOO_SMALL)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack(fields: &[Option<&[u8]>]) -> Vec<u8> {
        let mut out = Vec::new();
        for f in fields {
            match f {
                Some(b) => {
                    out.extend_from_slice(&i32::try_from(b.len()).expect("small").to_be_bytes());
                    out.extend_from_slice(b);
                }
                None => out.extend_from_slice(&(-1i32).to_be_bytes()),
            }
        }
        out
    }

    const KEY: &[u8] = b"SK-TEST-ONLY-0123456789";

    fn request(body: Option<&[u8]>) -> Vec<u8> {
        pack(&[
            Some(b"MCH-1"),
            Some(b"rid-1"),
            Some(b"2020-08-11T08:45:42Z"),
            Some(b"/checkout/v3/cancellations"),
            body,
        ])
    }

    #[test]
    fn the_packed_path_signs_exactly_as_the_core() {
        let secret = SecretKey::new("SK-TEST-ONLY-0123456789").expect("key");
        for body in [None, Some(&b"{\"a\":1}"[..]), Some(&b""[..])] {
            let want = SigningInput::new("MCH-1", "rid-1", "2020-08-11T08:45:42Z", "/checkout/v3/cancellations", body)
                .expect("valid")
                .sign(&secret);
            assert_eq!(sign_packed(KEY, &request(body)).as_deref(), Some(want.as_str()));
        }
    }

    #[test]
    fn anything_malformed_or_refused_is_none_never_a_panic() {
        let good = request(None);
        for cut in 0..good.len() {
            assert_eq!(sign_packed(KEY, &good[..cut]), None, "truncated at {cut}");
        }
        let mut trailing = good.clone();
        trailing.push(0);
        assert_eq!(sign_packed(KEY, &trailing), None);
        assert_eq!(sign_packed(b"SK bad\n", &good), None, "the core refuses the key");
        assert_eq!(sign_packed(&[0xff], &good), None, "not UTF-8");
        let newline = pack(&[Some(b"MCH-1\n"), Some(b"r"), Some(b"t"), Some(b"/x"), None]);
        assert_eq!(sign_packed(KEY, &newline), None, "the core refuses a CR/LF");
        let negative = [(-7i32).to_be_bytes().as_slice(), b"x"].concat();
        assert_eq!(sign_packed(KEY, &negative), None);
        let huge = [i32::MAX.to_be_bytes().as_slice(), b"x"].concat();
        assert_eq!(sign_packed(KEY, &huge), None);
    }

    #[test]
    #[allow(unsafe_code)]
    fn the_c_entry_point_reports_lengths_and_refusals() {
        let packed = request(Some(b"{}"));
        let mut out = [0u8; 64];
        let len = |key: &[u8], packed: &[u8], out: &mut [u8], cap: i32| {
            let (kl, pl) = (i32::try_from(key.len()).expect("small"), i32::try_from(packed.len()).expect("small"));
            // SAFETY: every pointer is valid for the length passed with it.
            unsafe { doku_checkout_sign_packed(key.as_ptr(), kl, packed.as_ptr(), pl, out.as_mut_ptr(), cap) }
        };
        let n = len(KEY, &packed, &mut out, 64);
        let written = std::str::from_utf8(&out[..usize::try_from(n).expect("written")]).expect("ascii");
        assert_eq!(Some(written), sign_packed(KEY, &packed).as_deref());
        assert_eq!(len(KEY, &packed, &mut out, 10), OUT_TOO_SMALL);
        assert_eq!(len(KEY, &packed, &mut out, -1), REFUSED);
        assert_eq!(len(b"SK bad\n", &packed, &mut out, 64), REFUSED);
    }
}
