typedef unsigned long long u64;
typedef int pid_t;
enum state { RUNNING, SLEEPING = 2, DEAD = -1 };
enum big { BIG = 0x100000000ULL };
struct list_head { struct list_head *next, *prev; };
struct fwd;
union val { int i; float f; char c[3]; };
struct task {
	volatile long state;
	unsigned int flags : 3, prio : 5;
	int : 0;
	unsigned char cpu : 7;
	const char *const comm;
	struct { int a; union { int b; long c; }; };
	struct list_head tasks;
	pid_t pid;
	enum state st;
	union val v[2][3];
	struct fwd *f;
	int (*fn)(struct task *, ...);
	void (*cb)(void);
	char tail[];
};
struct task t;
enum big b;
int get_pid(struct task *p) { return p->pid; }
