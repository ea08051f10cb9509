//! QR codes as SVG markup: the invitation slips' links, the enrolment of a second factor.

/// The QR code of `text` as SVG markup (empty if `text` is too long for one).
pub fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(160, 160)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}
