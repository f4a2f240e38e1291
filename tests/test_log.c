#define LOG_MODULE "test"
#include "log.h"
#include "test.h"

int main(void)
{
    enum log_level lv;
    CHECK(log_level_from_name("debug", &lv) && lv == LOG_DEBUG);
    CHECK(!log_level_from_name("loud", &lv));
    unsigned before = log_problem_count();
    LOG_WARN("a warning for the count");
    LOG_INFO("not a problem");
    CHECK(log_problem_count() == before + 1);
    return test_done("log");
}
