// Case folding as OJS's search sees it: PHP's strtolower() only lowers ASCII (PHP 8), while
// PostgreSQL's lower() on a UTF-8 column lowers every script (towlower). A capitalised Cyrillic
// search word therefore never matches (captured exchange 057), and the emulator keeps that.
#pragma once

#include <string>
#include <string_view>

namespace ojsemu {

std::string ascii_lower(std::string_view text);
std::string unicode_lower(std::string_view text);

}  // namespace ojsemu
