// QR codes (libqrencode) for fingerprints, as a Qt image.
#pragma once

#include <QImage>

#include <string>

namespace cloison::ui {

// Null image when the text does not fit in a QR code.
QImage qrImage(const std::string& text, int moduleSize = 4);

} // namespace cloison::ui
