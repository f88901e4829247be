#include "connectors/ojs/time_zone.h"

#include <gtest/gtest.h>

#include "connectors/ojs/ojs_datetime.h"

namespace ojsync {
namespace {

const char kZoneDir[] = "/usr/share/zoneinfo";

LocalSeconds local(std::string_view s) { return parse_ojs_datetime(s).value(); }
UtcSeconds utc(std::string_view iso) { return utc_from_timestamp(parse_timestamp(iso).value()); }
std::string iso(UtcSeconds s) { return format_timestamp(timestamp_from_utc(s)); }

TimeZone zone(std::string_view name) {
  auto z = TimeZone::load(name, kZoneDir);
  EXPECT_TRUE(z.ok()) << z.status().to_string();
  return std::move(z).value();
}

TEST(OjsDatetimeTest, ParsesAndFormatsOjsTimes) {
  EXPECT_EQ(format_ojs_datetime(local("2026-11-25 13:35:41")), "2026-11-25 13:35:41");
  EXPECT_EQ(local("2026-11-25"), local("2026-11-25 00:00:00"));
  EXPECT_EQ(parse_ojs_datetime("2026-11-25T13:35:41"), std::nullopt);
  EXPECT_EQ(parse_ojs_datetime("2026-02-30 00:00:00"), std::nullopt);
  EXPECT_EQ(parse_ojs_datetime("2026-11-25 24:00:00"), std::nullopt);
  EXPECT_EQ(parse_ojs_datetime(""), std::nullopt);
  EXPECT_EQ(format_ojs_datetime(local("1969-12-31 23:59:59")), "1969-12-31 23:59:59");
}

TEST(TimeZoneTest, Utc) {
  const auto z = TimeZone::utc();
  EXPECT_EQ(iso(z.to_utc(local("2026-11-25 13:35:41"))), "2026-11-25T13:35:41Z");
  const auto file = zone("UTC");
  EXPECT_EQ(file.offset_at(utc("2026-06-01T00:00:00Z")), 0);
  EXPECT_EQ(ojs_datetime_to_iso_utc("2026-11-25 13:35:41", file), "2026-11-25T13:35:41Z");
}

TEST(TimeZoneTest, TokyoIsNineHoursAheadWithoutDst) {
  const auto z = zone("Asia/Tokyo");
  // The captured 3.3 exchange 128 wrote Tokyo wall-clock times for a UTC instant.
  EXPECT_EQ(iso(z.to_utc(local("2026-11-25 22:35:51"))), "2026-11-25T13:35:51Z");
  EXPECT_EQ(z.offset_at(utc("2026-07-01T00:00:00Z")), 9 * 3600);
  EXPECT_EQ(z.offset_at(utc("2050-01-01T00:00:00Z")), 9 * 3600);  // Past the recorded transitions.
  EXPECT_EQ(z.min_local_between(utc("2026-01-01T00:00:00Z"), utc("2026-12-31T00:00:00Z")),
            local("2026-01-01 09:00:00"));
}

TEST(TimeZoneTest, BerlinDaylightSavingGapsAndRepeats) {
  const auto z = zone("Europe/Berlin");
  EXPECT_EQ(iso(z.to_utc(local("2026-01-15 12:00:00"))), "2026-01-15T11:00:00Z");
  EXPECT_EQ(iso(z.to_utc(local("2026-07-15 12:00:00"))), "2026-07-15T10:00:00Z");
  // 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:30 never shows and reads as 03:30 CEST.
  EXPECT_EQ(iso(z.to_utc(local("2026-03-29 02:30:00"))), "2026-03-29T01:30:00Z");
  EXPECT_EQ(iso(z.to_utc(local("2026-03-29 03:00:00"))), "2026-03-29T01:00:00Z");
  // 2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:30 shows twice: the earlier instant.
  EXPECT_EQ(iso(z.to_utc(local("2026-10-25 02:30:00"))), "2026-10-25T00:30:00Z");
  EXPECT_EQ(iso(z.to_utc(local("2026-10-25 03:30:00"))), "2026-10-25T02:30:00Z");
  // After the fall-back the wall clock reads lower than before it.
  EXPECT_EQ(z.min_local_between(utc("2026-10-25T00:30:00Z"), utc("2026-10-25T01:30:00Z")),
            local("2026-10-25 02:00:00"));
  EXPECT_EQ(z.min_local_between(utc("2026-10-26T00:00:00Z"), utc("2026-10-27T00:00:00Z")),
            local("2026-10-26 01:00:00"));
}

TEST(TimeZoneTest, RuleBeyondRecordedTransitionsAndSouthernHemisphere) {
  const auto berlin = zone("Europe/Berlin");
  EXPECT_EQ(iso(berlin.to_utc(local("2045-07-01 12:00:00"))), "2045-07-01T10:00:00Z");
  EXPECT_EQ(iso(berlin.to_utc(local("2045-12-01 12:00:00"))), "2045-12-01T11:00:00Z");
  const auto sydney = zone("Australia/Sydney");
  EXPECT_EQ(iso(sydney.to_utc(local("2026-01-15 12:00:00"))), "2026-01-15T01:00:00Z");
  EXPECT_EQ(iso(sydney.to_utc(local("2026-07-15 12:00:00"))), "2026-07-15T02:00:00Z");
  EXPECT_EQ(iso(sydney.to_utc(local("2050-01-15 12:00:00"))), "2050-01-15T01:00:00Z");
}

TEST(TimeZoneTest, PosixRules) {
  auto ny = TimeZone::from_posix_rule("EST5EDT,M3.2.0,M11.1.0");
  ASSERT_TRUE(ny.ok());
  EXPECT_EQ(iso(ny->to_utc(local("2030-07-04 12:00:00"))), "2030-07-04T16:00:00Z");
  EXPECT_EQ(iso(ny->to_utc(local("2030-12-25 12:00:00"))), "2030-12-25T17:00:00Z");
  auto quoted = TimeZone::from_posix_rule("<+0330>-3:30");
  ASSERT_TRUE(quoted.ok());
  EXPECT_EQ(quoted->offset_at(0), 3 * 3600 + 1800);
  EXPECT_FALSE(TimeZone::from_posix_rule("X").ok());
  EXPECT_FALSE(TimeZone::from_posix_rule("CET-1CEST,M13.5.0,M10.5.0/3").ok());
}

TEST(TimeZoneTest, RejectsUnsafeOrUnknownNames) {
  EXPECT_EQ(TimeZone::load("../../etc/passwd", kZoneDir).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(TimeZone::load("/etc/passwd", kZoneDir).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(TimeZone::load("Mars/Olympus_Mons", kZoneDir).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(TimeZone::load("zone1970.tab", kZoneDir).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace ojsync
