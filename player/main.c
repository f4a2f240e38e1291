#include <stdio.h>

int main(void)
{
    puts("signage-player: under construction");
    return 0;
}
