/*
 * Checkpoint image: a stream of ordinary redo records (IMG_BEGIN, then per
 * container CONT_CREATE and per object its PUNCH_SET/REPLACE records, then
 * IMG_END). Loading applies them. The iterator remembers the last object by
 * key, so the index may change between chunks (a fuzzy image).
 */
#include "vos_internal.h"

struct vos_image {
	struct vos    *im_vos;
	struct vos_enc im_enc;
	int            im_phase; /* 0 header, 1 objects, 2 trailer, 3 done */
	bool           im_have_cont;
	uuid_t         im_cont;
	bool           im_have_obj;
	uint8_t        im_obj[16];
};

int
vos_image_start(struct vos *vos, struct vos_image **imgp)
{
	struct vos_image *img;

	D_ALLOC_PTR(img);
	if (img == NULL)
		return -DER_NOMEM;
	img->im_vos = vos;
	vos_enc_init(&img->im_enc);
	*imgp = img;
	return 0;
}

void
vos_image_end(struct vos_image *img)
{
	if (img == NULL)
		return;
	vos_enc_fini(&img->im_enc);
	D_FREE(img);
}

static void
enc_cont(struct vos_enc *e, const uuid_t uuid)
{
	size_t start;

	vos_enc_begin(e, VREC_CONT_CREATE, &start);
	vos_enc_bytes(e, uuid, sizeof(uuid_t));
	vos_enc_end(e, start);
}

/* Next object after the cursor (entering the next container when needed). */
static int
image_objects(struct vos_image *img)
{
	struct vos       *vos = img->im_vos;
	struct vos_enc   *e   = &img->im_enc;
	struct btr_cursor cc, oc;
	struct vos_cont  *c;
	struct vos_obj   *o;

	for (;;) {
		if (!img->im_have_cont)
			btr_first(&vos_cont_ops, &vos->v_conts, &cc);
		else
			btr_seek(&vos_cont_ops, &vos->v_conts, &cc, img->im_cont, sizeof(uuid_t),
				 BTR_SEEK_GE);
		c = btr_item(&cc);
		if (c == NULL)
			return 1;
		if (!img->im_have_cont || uuid_compare(c->c_uuid, img->im_cont) != 0) {
			/* Entering a container (the one we were in may have gone). */
			img->im_have_cont = true;
			img->im_have_obj  = false;
			uuid_copy(img->im_cont, c->c_uuid);
			enc_cont(e, c->c_uuid);
		}
		if (img->im_have_obj)
			btr_seek(&vos_obj_ops, &c->c_objs, &oc, img->im_obj, 16, BTR_SEEK_GT);
		else
			btr_first(&vos_obj_ops, &c->c_objs, &oc);
		o = btr_item(&oc);
		if (o != NULL) {
			img->im_have_obj = true;
			memcpy(img->im_obj, o->o_key, 16);
			return vos_enc_object(e, c, o);
		}
		/* Container done: go to the next one. */
		btr_seek(&vos_cont_ops, &vos->v_conts, &cc, img->im_cont, sizeof(uuid_t),
			 BTR_SEEK_GT);
		c = btr_item(&cc);
		if (c == NULL)
			return e->e_len > 0 ? 0 : 1;
		img->im_have_obj = false;
		uuid_copy(img->im_cont, c->c_uuid);
		enc_cont(e, c->c_uuid);
		if (e->e_rc != 0)
			return e->e_rc;
		if (c->c_objs.br_count == 0)
			return 0;
	}
}

int
vos_image_next(struct vos_image *img, const void **chunk, size_t *len)
{
	struct vos_enc *e = &img->im_enc;
	size_t          start;
	int             rc = 0;

	e->e_len = 0;
	switch (img->im_phase) {
	case 0:
		vos_enc_begin(e, VREC_IMG_BEGIN, &start);
		vos_enc_u32(e, VOS_REC_VERSION);
		rc = vos_enc_end(e, start);
		img->im_phase = 1;
		break;
	case 1:
		rc = image_objects(img);
		if (rc == 1) {
			img->im_phase = 2;
			rc            = 0;
			if (e->e_len > 0)
				break;
		} else {
			break;
		}
		/* fall through */
	case 2:
		vos_enc_begin(e, VREC_IMG_END, &start);
		rc = vos_enc_end(e, start);
		img->im_phase = 3;
		break;
	default:
		return 1;
	}
	if (rc == 0)
		rc = e->e_rc;
	if (rc < 0)
		return rc;
	*chunk = e->e_buf;
	*len   = e->e_len;
	return 0;
}

int
vos_image_load(struct vos *vos, const void *buf, size_t len, size_t *consumed)
{
	const uint8_t *p   = buf;
	size_t         off = 0;
	int            rc  = 0;

	*consumed = 0;
	while (off + VOS_REC_HDR <= len) {
		size_t rl = vos_record_len(p + off, len - off);

		if (rl == 0)
			return -DER_DF_INVAL;
		if (off + rl > len)
			break;
		rc = vos_apply_record(vos, p + off, rl);
		if (rc != 0)
			return rc == -DER_NOMEM ? rc : -DER_DF_INVAL;
		off += rl;
		*consumed = off;
		if (p[off - rl + 3] == VREC_IMG_END)
			return 1;
	}
	return 0;
}
