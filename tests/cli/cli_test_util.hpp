#pragma once
// Shared by the CLI tests: run the real binary (SO_BINARY_PATH) and a per-test temp folder.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace so::test {

struct CmdResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string output;  // stdout + stderr
  int signal = 0;
};

// `shift-optimizer ARGS` through a shell, stdout and stderr together.
inline CmdResult run_cli(const std::string& args) {
  const std::string cmd = std::string(SO_BINARY_PATH) + " " + args + " 2>&1";
  CmdResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(p);
  // popen runs a shell: a child killed by SIGSEGV shows as the shell's exit code 128 + 11.
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

// A fresh folder per test, removed afterwards.
class CliFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("so_cli_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name() + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::string write(const std::string& name, const std::string& content) {
    const std::filesystem::path p = dir / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  static std::string demo() { return std::string(SO_SOURCE_DIR) + "/examples/demo_week.csv"; }
  static std::string demo_drivers() { return std::string(SO_SOURCE_DIR) + "/examples/demo_drivers.csv"; }
  std::filesystem::path dir;
};

}  // namespace so::test
