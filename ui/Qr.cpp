#include "ui/Qr.h"

#include <qrencode.h>

#include <memory>

namespace cloison::ui {

QImage qrImage(const std::string& text, int moduleSize) {
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
    if (!code)
        return {};
    constexpr int kQuiet = 4; // the quiet zone scanners need around the code
    const int width = code->width;
    const int side = (width + 2 * kQuiet) * moduleSize;
    QImage image(side, side, QImage::Format_RGB32);
    image.fill(Qt::white);
    for (int y = 0; y < width; ++y)
        for (int x = 0; x < width; ++x)
            if (code->data[y * width + x] & 1)
                for (int dy = 0; dy < moduleSize; ++dy)
                    for (int dx = 0; dx < moduleSize; ++dx)
                        image.setPixel((x + kQuiet) * moduleSize + dx,
                                       (y + kQuiet) * moduleSize + dy, qRgb(0, 0, 0));
    return image;
}

} // namespace cloison::ui
