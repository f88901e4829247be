// ojsync: command-line entry point.
#include <CLI/CLI.hpp>

#include "demo.h"

int main(int argc, char** argv) {
  CLI::App app{"ojsync — keeps Open Journal Systems and an agents framework in sync"};
  app.set_version_flag("--version", "ojsync 0.1.0");
  app.require_subcommand(1);

  ojsync::cli::DemoOptions demo;
  demo.dir = "ojsync-demo";
  auto* demo_cmd = app.add_subcommand("demo", "Run the engine end to end on the embedded default");
  demo_cmd->add_option("--dir", demo.dir, "Directory for the demo databases (recreated)");
  demo_cmd->add_option("--manuscripts", demo.manuscripts, "Manuscripts to create")->check(CLI::Range(5, 100000));

  CLI11_PARSE(app, argc, argv);
  if (demo_cmd->parsed()) return ojsync::cli::run_demo(demo);
  return 2;
}
