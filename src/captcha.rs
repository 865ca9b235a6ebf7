//! Captcha images: a few distorted characters drawn by the `captcha` crate,
//! served as JPEG (what the labs seed's `login/code` promises). The answer is
//! returned to the caller to keep server-side; it never reaches the client.

use std::io::Cursor;

use captcha::Captcha;
use captcha::filters::{Dots, Noise, Wave};
use image::ImageOutputFormat;

/// Characters a person can tell apart in a noisy image (no 0/O, 1/l/I, ...).
const ALPHABET: &[char] = &[
    '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f', 'h', 'k', 'm', 'n', 'p',
    'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z',
];
const LENGTH: u32 = 4;
const WIDTH: u32 = 160;
const HEIGHT: u32 = 60;
const JPEG_QUALITY: u8 = 80;

/// A new captcha: its answer and the JPEG to show.
pub struct Challenge {
    pub answer: String,
    pub jpeg: Vec<u8>,
}

/// Draws a new random captcha. `None` only if image encoding fails.
pub fn generate() -> Option<Challenge> {
    let mut captcha = Captcha::new();
    captcha
        .set_chars(ALPHABET)
        .add_chars(LENGTH)
        .apply_filter(Noise::new(0.1))
        .apply_filter(Wave::new(2.0, 12.0))
        .view(WIDTH, HEIGHT)
        .apply_filter(Dots::new(6));
    let png = captcha.as_png()?;
    let image = image::load_from_memory_with_format(&png, image::ImageFormat::Png).ok()?;
    let mut jpeg = Cursor::new(Vec::new());
    image
        .to_rgb8()
        .write_to(&mut jpeg, ImageOutputFormat::Jpeg(JPEG_QUALITY))
        .ok()?;
    Some(Challenge {
        answer: captcha.chars_as_string(),
        jpeg: jpeg.into_inner(),
    })
}

/// Whether `given` answers `answer` (case and surrounding spaces ignored).
pub fn matches(answer: &str, given: &str) -> bool {
    answer.eq_ignore_ascii_case(given.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_captcha_is_a_jpeg_with_a_short_answer_from_the_alphabet() {
        let challenge = generate().unwrap();
        assert_eq!(&challenge.jpeg[..3], &[0xFF, 0xD8, 0xFF]);
        assert_eq!(challenge.answer.chars().count(), LENGTH as usize);
        assert!(challenge.answer.chars().all(|c| ALPHABET.contains(&c)));
        assert!(matches(&challenge.answer, &challenge.answer.to_uppercase()));
        let decoded = image::load_from_memory(&challenge.jpeg).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (WIDTH, HEIGHT));
    }
}
