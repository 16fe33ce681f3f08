/*
 * Stand-in for the `ipc` program of the image allingeek/ch6_ipc (Docker in Action, chapter 6),
 * built as a static binary into localhost/e2e/ch6_ipc. Same protocol as the original:
 *
 *   POSIX message queue /ch6_ipc (mq_maxmsg 10, mq_msgsize 1024), visible as /dev/mqueue/ch6_ipc.
 *   ./ipc -producer   (also the default) creates the queue, sends random hex values and then
 *                     "done", then closes and unlinks the queue.
 *   ./ipc -consumer   opens the queue read-only; exits 1 with "Either the producer has not been
 *                     started or maybe I cannot access the same memory..." if it does not exist;
 *                     otherwise logs every message until "done" and exits 0.
 *
 * Deviations that only make the test deterministic and bounded:
 *   - the producer sends exactly 10 values (one every 200 ms), logging "Produced: <hex>";
 *   - before unlinking, the producer waits (at most 30 s) until the queue is drained, so a
 *     consumer that opens the queue late still gets every message;
 *   - sends and receives time out after 30 s instead of blocking forever;
 *   - SIGTERM/SIGINT end the program at once (it runs as PID 1, which ignores them otherwise).
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define QUEUE "/ch6_ipc"
#define MAXMSG 10
#define MSGSIZE 1024
#define COUNT 10
#define TIMEOUT_S 30

static volatile sig_atomic_t is_producer;

static void on_signal(int sig) {
  if (is_producer) mq_unlink(QUEUE);
  _exit(128 + sig);
}

static struct timespec deadline(int seconds) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_sec += seconds;
  return ts;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
  }
}

static int send_or_die(mqd_t mq, const char *msg) {
  struct timespec ts = deadline(TIMEOUT_S);
  if (mq_timedsend(mq, msg, strlen(msg) + 1, 0, &ts) == -1) {
    if (errno == ETIMEDOUT)
      fprintf(stderr, "Nobody consumed the queue %s for %d s, giving up\n", QUEUE, TIMEOUT_S);
    else
      perror("mq_send");
    mq_unlink(QUEUE);
    exit(1);
  }
  printf("Produced: %s\n", msg);
  return 0;
}

static int producer(void) {
  struct mq_attr attr = {0};
  attr.mq_maxmsg = MAXMSG;
  attr.mq_msgsize = MSGSIZE;
  is_producer = 1;
  umask(0); /* mode 0666: producer and consumer may run as different users */
  mqd_t mq = mq_open(QUEUE, O_WRONLY | O_CREAT, 0666, &attr);
  if (mq == (mqd_t)-1) {
    perror("mq_open " QUEUE);
    return 1;
  }
  srand((unsigned)time(NULL) ^ (unsigned)getpid());
  for (int i = 0; i < COUNT; i++) {
    char msg[32];
    snprintf(msg, sizeof msg, "%x", (unsigned)rand());
    send_or_die(mq, msg);
    sleep_ms(200);
  }
  send_or_die(mq, "done");
  for (int waited = 0; waited < TIMEOUT_S * 10; waited++) {
    struct mq_attr now;
    if (mq_getattr(mq, &now) == -1 || now.mq_curmsgs == 0) break;
    sleep_ms(100);
  }
  mq_close(mq);
  mq_unlink(QUEUE);
  return 0;
}

static int consumer(void) {
  mqd_t mq = mq_open(QUEUE, O_RDONLY);
  if (mq == (mqd_t)-1) {
    fprintf(stderr, "Either the producer has not been started or maybe I cannot access the same memory... (%s: %s)\n",
            QUEUE, strerror(errno));
    return 1;
  }
  char buf[MSGSIZE + 1];
  for (;;) {
    struct timespec ts = deadline(TIMEOUT_S);
    ssize_t n = mq_timedreceive(mq, buf, MSGSIZE, NULL, &ts);
    if (n == -1) {
      if (errno == EINTR) continue;
      if (errno == ETIMEDOUT)
        fprintf(stderr, "No message on %s for %d s, giving up\n", QUEUE, TIMEOUT_S);
      else
        perror("mq_receive");
      return 1;
    }
    buf[n] = '\0';
    printf("Consumed: %s\n", buf);
    if (strcmp(buf, "done") == 0) break;
  }
  mq_close(mq);
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0); /* logs appear line by line in `podman logs` */
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  int consume = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] == '-' && a[1] == '-') a++; /* -flag and --flag, like Go's flag package */
    if (strcmp(a, "-consumer") == 0) consume = 1;
    else if (strcmp(a, "-producer") == 0) consume = 0;
    else {
      fprintf(stderr, "usage: %s [-producer | -consumer]\n", argv[0]);
      return 2;
    }
  }
  return consume ? consumer() : producer();
}
